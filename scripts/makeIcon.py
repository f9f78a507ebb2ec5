"""Draws media/icon.png (128×128, the Marketplace / Open VSX icon): cells in a dark field, half of them labelled
yellow and blue as a segmentation, and a brush stroke. Run with /usr/bin/python3 (needs Pillow); deterministic."""
import math
import sys
from PIL import Image, ImageDraw, ImageFilter

S = 4 * 128  # drawn at 4× and reduced, for smooth edges
img = Image.new('RGBA', (S, S), (0, 0, 0, 0))
d = ImageDraw.Draw(img)
d.rounded_rectangle([0, 0, S - 1, S - 1], radius=S // 6, fill=(18, 24, 48, 255))
cells = [(0.27, 0.30, 0.15), (0.66, 0.24, 0.12), (0.45, 0.58, 0.17), (0.78, 0.62, 0.13), (0.24, 0.76, 0.11), (0.70, 0.86, 0.08)]
for i, (x, y, r) in enumerate(cells):
    cx, cy, rr = x * S, y * S, r * S
    glow = (250, 210, 40, 255) if i % 2 == 0 else (60, 120, 255, 255)
    d.ellipse([cx - rr, cy - rr, cx + rr, cy + rr], fill=glow)
    d.ellipse([cx - rr * 0.55, cy - rr * 0.5, cx + rr * 0.35, cy + rr * 0.45], fill=tuple(int(c * 0.75) for c in glow[:3]) + (255,))
# A brush stroke across the lower-left cells.
pts = [(0.12 + 0.76 * t, 0.93 - 0.55 * t + 0.08 * math.sin(6 * t)) for t in [k / 40 for k in range(41)]]
d.line([(x * S, y * S) for x, y in pts], fill=(255, 255, 255, 235), width=S // 28, joint='curve')
icon = img.resize((128, 128), Image.LANCZOS)
icon.save(sys.argv[1] if len(sys.argv) > 1 else 'media/icon.png', optimize=True)
