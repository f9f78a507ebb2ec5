"""Assembles media/readme-capture.gif, the animation the README opens with (labelling → live prediction), from the
screenshots the real-VS-Code e2e tests leave in e2e-shots/ (run `npm run test:e2e` first). Run with /usr/bin/python3
(needs Pillow): python3 scripts/makeReadmeCapture.py [e2e-shots] [media/readme-capture.gif]"""
import os
import sys
from PIL import Image

shots = sys.argv[1] if len(sys.argv) > 1 else 'e2e-shots'
out = sys.argv[2] if len(sys.argv) > 2 else os.path.join('media', 'readme-capture.gif')
# (screenshot, milliseconds shown, caption for the log)
FRAMES = [
    ('labeling-01-opened-1to1.png', 1400, 'an image opened in the Pixel Classifier editor'),
    ('labeling-02-class1-strokes.png', 1200, 'strokes of class 1'),
    ('labeling-03-class2-strokes.png', 1200, 'strokes of class 2'),
    ('labeling-04-predictions.png', 2200, 'live predictions'),
    ('result-view-03-segmentation.png', 1800, 'segmentation'),
    ('result-view-04-uncertainty.png', 1800, 'uncertainty'),
]
# The editor area of the 1400×900 workbench screenshots (the Explorer and the title bar cropped away), shown at 3/4.
CROP = (347, 36, 1400, 900)
WIDTH = 790

frames, durations = [], []
for name, ms, caption in FRAMES:
    path = os.path.join(shots, name)
    if not os.path.exists(path):
        sys.exit(f'{path} is missing: run the e2e tests first (npm run test:e2e)')
    image = Image.open(path).convert('RGB').crop(CROP)
    height = round(image.height * WIDTH / image.width)
    frames.append(image.resize((WIDTH, height), Image.LANCZOS).quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE))
    durations.append(ms)
    print(f'{name}: {caption}')
frames[0].save(out, save_all=True, append_images=frames[1:], duration=durations, loop=0, optimize=True, disposal=1)
print(f'wrote {out} ({os.path.getsize(out) // 1024} KiB, {len(frames)} frames)')
