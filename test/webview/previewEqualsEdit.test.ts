/**
 * Issue #16, "one rasterizer": what the webview previews while the user draws is exactly what the host writes —
 * for random brush strokes of every size, polygons and lassos. The preview side runs the webview's own code
 * (LabelPainter, LabelTools); the edit side runs the host's (strokeEdit, rasterizePolygon through the document).
 */
import { describe, expect, it } from 'vitest';
import { LabelPainter } from '../../webview/labelPainter';
import { LabelTools } from '../../webview/labelTools';
import type { StrokeMask } from '../../webview/canvas/stroke';
import { rasterizeStroke, strokeEdit } from '../../extension/core/labels/rasterizeStroke';
import { rasterizePolygon } from '../../extension/core/labels/tools/rasterizePolygon';
import { LabelVolume } from '../../extension/core/labels/labelVolume';
import { magicWand } from '../../extension/core/labels/tools/magicWand';
import { superpixelBrush } from '../../extension/core/labels/tools/superpixels';
import { SuperpixelTiles } from '../../extension/editor/superpixelTiles';
import { planeRegion, regionFromTiles, type RegionTile } from '../../webview/canvas/tileRegion';
import type { PixelBox } from '../../extension/protocol';

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
        region: () => undefined, range: () => ({ min: 0, max: 1 }), visible: () => ({ column: 0, row: 0, width: W, height: H }), scale: () => 1,
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

  /**
   * The wand and the superpixel brush on a big image shown as tiles (#13, every image above 2 megapixels in the
   * browser, #20): the webview reads the raw values from the level-0 tiles it holds. A 300×280 plane in tiles of 64,
   * only those of the visible region held; the host reads the whole plane.
   */
  function tiledImage(seed: number) {
    const PW = 300, PH = 280, T = 64;
    const r = rng(seed);
    const plane = new Uint16Array(PW * PH);
    const blobs = Array.from({ length: 40 }, () => [r() * PW, r() * PH, 6 + r() * 20, 200 + r() * 3000]);
    for (let y = 0; y < PH; y++) for (let x = 0; x < PW; x++) {
      let v = 100 + ((x * 7 + y * 13) % 17);
      for (const [bx, by, br, bv] of blobs) if ((x - bx) ** 2 + (y - by) ** 2 < br * br) v += bv;
      plane[y * PW + x] = v;
    }
    const visible: PixelBox = { column: 70 + Math.floor(r() * 60), row: 60 + Math.floor(r() * 60), width: 120, height: 110 };
    const held = (column: number, row: number) => column * T < visible.column + visible.width && (column + 1) * T > visible.column && row * T < visible.row + visible.height && (row + 1) * T > visible.row;
    const tile = (column: number, row: number): RegionTile | undefined => {
      if (!held(column, row)) return undefined;
      const width = Math.min(T, PW - column * T), height = Math.min(T, PH - row * T);
      const data = new Uint16Array(width * height);
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = plane[(row * T + y) * PW + column * T + x];
      return { data, width, height };
    };
    const fetched: PixelBox[] = [];
    const region = (_t: number, _z: number, _c: number, box: PixelBox, fetch: boolean) => {
      const values = regionFromTiles(box, T, tile);
      if (!values && fetch) fetched.push(box);
      return values;
    };
    const wholePlane = { data: plane, width: PW, height: PH };
    return { PW, PH, r, plane, wholePlane, visible, region, fetched };
  }

  function tiledFakes(PW: number) {
    const previewed = new Set<number>();
    const sent: Record<string, unknown>[] = [];
    const labels = {
      preview: (m: StrokeMask) => {
        for (let y = 0; y < m.box.height; y++) for (let x = 0; x < m.box.width; x++) if (m.mask[y * m.box.width + x]) previewed.add((m.box.row + y) * PW + m.box.column + x);
      },
      strokeSent: () => undefined, dropPreviews: () => previewed.clear(), labelAt: () => 0,
    };
    return { previewed, sent, labels, rpc: { send: (body: Record<string, unknown>) => sent.push(body) } };
  }

  it('the magic wand on tiles: previewed within the visible tiles, exactly the host region of the box it sends (20 seeds)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const img = tiledImage(seed);
      const { previewed, sent, labels, rpc } = tiledFakes(img.PW);
      const tools = new LabelTools({
        rpc: rpc as never, labels: labels as never, width: img.PW, height: img.PH, redraw: () => undefined, outline: () => undefined,
        region: img.region, range: () => ({ min: 0, max: 4000 }), visible: () => img.visible, scale: () => 1,
      });
      const ctx = { classId: 1, t: 0, z: 0, preserveLabels: false, c: 0, brushSize: 1 };
      const sx = img.visible.column + Math.floor(img.r() * img.visible.width), sy = img.visible.row + Math.floor(img.r() * img.visible.height);
      tools.wandStart(sx + 0.5, sy + 0.5, ctx);
      tools.wandMove(sx + 0.5 + 5 + img.r() * 40, sy + 0.5);
      tools.wandEnd();
      const msg = sent[0] as { box: PixelBox; tolerance: number; column: number; row: number };
      // The margin around the view is not held: the box sent is the visible region.
      expect(msg.box, `seed ${seed}`).toEqual(img.visible);
      const host = magicWand({ values: planeRegion(img.wholePlane, msg.box)!, ...msg.box }, img.PW, msg.column, msg.row, msg.tolerance);
      expect(previewed.size, `seed ${seed}`).toBeGreaterThan(0);
      expect([...previewed].sort((a, b) => a - b), `seed ${seed}`).toEqual(Array.from(host.indices).sort((a, b) => a - b));
    }
  });

  it('the superpixel brush on tiles: previewed once its tiles are here, exactly what the host writes (10 strokes)', async () => {
    for (let seed = 1; seed <= 10; seed++) {
      const img = tiledImage(100 + seed);
      const { previewed, sent, labels, rpc } = tiledFakes(img.PW);
      const tools = new LabelTools({
        rpc: rpc as never, labels: labels as never, width: img.PW, height: img.PH, redraw: () => undefined, outline: () => undefined,
        region: img.region, range: () => ({ min: 0, max: 4000 }), visible: () => img.visible, scale: () => 1,
      });
      const ctx = { classId: 2, t: 0, z: 0, preserveLabels: false, c: 0, brushSize: 5 };
      // Inside the first superpixel tile (0..255), whose level-0 image tiles are not all held: no preview, tiles asked for.
      const x = img.visible.column + 10, y = img.visible.row + 10;
      tools.superpixelStart(x, y, ctx);
      expect(previewed.size, `seed ${seed}: nothing to preview yet`).toBe(0);
      expect(img.fetched.length, `seed ${seed}: the missing tiles are asked for`).toBeGreaterThan(0);
      tools.cancel();
      // Once every image tile is here (the host answered), the preview is the host's edit.
      const all = (_t: number, _z: number, _c: number, box: PixelBox) => planeRegion(img.wholePlane, box);
      const full = new LabelTools({
        rpc: rpc as never, labels: labels as never, width: img.PW, height: img.PH, redraw: () => undefined, outline: () => undefined,
        region: all, range: () => ({ min: 0, max: 4000 }), visible: () => img.visible, scale: () => 1,
      });
      full.superpixelStart(x, y, ctx);
      full.superpixelMove(x + 30 * img.r(), y + 30 * img.r());
      full.superpixelEnd();
      const msg = sent[sent.length - 1] as { points: ArrayBuffer; brushSize: number };
      const xy = new Float32Array(msg.points);
      const touched = rasterizeStroke(Array.from({ length: xy.length / 2 }, (_, i) => ({ column: xy[2 * i], row: xy[2 * i + 1] })), msg.brushSize / 2, img.PW, img.PH).indices;
      const tiles = new SuperpixelTiles(async (_t, _z, _c, box) => planeRegion(img.wholePlane, { column: box.x0, row: box.y0, width: box.x1 - box.x0, height: box.y1 - box.y0 })!, img.PW, img.PH);
      const host = superpixelBrush(touched, img.PW, img.PH, await tiles.lookup(0, 0, 0, touched));
      expect(previewed.size, `seed ${seed}`).toBeGreaterThan(0);
      expect([...previewed].sort((a, b) => a - b), `seed ${seed}`).toEqual(Array.from(host).sort((a, b) => a - b));
    }
  });
});
