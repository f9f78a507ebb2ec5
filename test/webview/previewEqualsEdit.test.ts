/**
 * Issue #16, "one rasterizer": what the webview previews while the user draws is exactly what the host writes —
 * for random brush strokes of every size, polygons and lassos. The preview side runs the webview's own code
 * (LabelPainter, LabelTools); the edit side runs the host's (strokeEdit, rasterizePolygon through the document).
 */
import { describe, expect, it } from 'vitest';
import { LabelPainter } from '../../webview/labelPainter';
import { LabelTools } from '../../webview/labelTools';
import type { StrokeMask } from '../../webview/canvas/stroke';
import { strokeEdit } from '../../extension/core/labels/rasterizeStroke';
import { rasterizePolygon } from '../../extension/core/labels/tools/rasterizePolygon';
import { LabelVolume } from '../../extension/core/labels/labelVolume';

const W = 80, H = 60;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

/** A label layer that records the union of previews; an rpc that records messages. */
function fakes() {
  const previewed = new Set<number>();
  const sent: Record<string, unknown>[] = [];
  const labels = {
    preview: (m: StrokeMask) => {
      for (let r = 0; r < m.box.height; r++) for (let c = 0; c < m.box.width; c++) if (m.mask[r * m.box.width + c]) previewed.add((m.box.row + r) * W + m.box.column + c);
    },
    strokeSent: () => undefined, dropPreviews: () => undefined, labelAt: () => 0,
  };
  const rpc = { send: (body: Record<string, unknown>) => sent.push(body) };
  return { previewed, sent, labels, rpc };
}

describe('preview == committed edit', () => {
  it('brush strokes of every size (200 random strokes)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = rng(seed);
      const { previewed, sent, labels, rpc } = fakes();
      const painter = new LabelPainter(rpc as never, labels as never, W, H, () => undefined);
      const size = 1 + Math.floor(r() * 20);
      painter.start(r() * W, r() * H, { classId: 1, brushSize: size, t: 0, z: 0 });
      const moves = Math.floor(r() * 6);
      for (let k = 0; k < moves; k++) painter.move(-5 + r() * (W + 10), -5 + r() * (H + 10));
      painter.end();
      const msg = sent[0] as { points: ArrayBuffer; brushSize: number };
      const xy = new Float32Array(msg.points);
      const points = Array.from({ length: xy.length / 2 }, (_, i) => ({ column: xy[2 * i], row: xy[2 * i + 1] }));
      const edit = strokeEdit(new LabelVolume({ t: 1, z: 1, y: H, x: W }), 0, 0, points, msg.brushSize / 2, 1);
      expect([...previewed].sort((a, b) => a - b), `seed ${seed}, size ${size}`).toEqual(Array.from(edit?.indices ?? []));
    }
  });

  it('polygons and lassos (100 random outlines)', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const r = rng(1000 + seed);
      const { previewed, sent, labels, rpc } = fakes();
      const tools = new LabelTools({
        rpc: rpc as never, labels: labels as never, width: W, height: H, redraw: () => undefined, outline: () => undefined,
        raw: () => undefined, range: () => ({ min: 0, max: 1 }), visible: () => ({ column: 0, row: 0, width: W, height: H }), scale: () => 1,
      });
      const ctx = { classId: 2, t: 0, z: 0, preserveLabels: false, c: 0, brushSize: 1 };
      tools.lassoStart(r() * W, r() * H, ctx);
      const n = 3 + Math.floor(r() * 8);
      for (let k = 0; k < n; k++) tools.lassoMove(-3 + r() * (W + 6), -3 + r() * (H + 6));
      tools.lassoEnd();
      if (sent.length === 0) continue; // fewer than three distinct points
      const xy = new Float32Array((sent[0] as { points: ArrayBuffer }).points);
      const host = rasterizePolygon(Array.from({ length: xy.length / 2 }, (_, i) => ({ column: xy[2 * i], row: xy[2 * i + 1] })), W, H);
      expect([...previewed].sort((a, b) => a - b), `seed ${seed}`).toEqual(Array.from(host.indices));
    }
  });
});
