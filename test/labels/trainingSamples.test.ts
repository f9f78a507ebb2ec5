import { describe, expect, it } from 'vitest';
import { concatSamples, extractTrainingSamples, labelledBoxes, type LabelBox } from '../../extension/core/labels/trainingSamples';
import { LabelVolume } from '../../extension/core/labels/labelVolume';

describe('labelledBoxes', () => {
  it('tight box of one scribble', () => {
    const v = new LabelVolume({ t: 1, z: 1, y: 10, x: 10 });
    v.data[v.index(0, 0, 2, 3)] = 1;
    v.data[v.index(0, 0, 4, 6)] = 2;
    expect(labelledBoxes(v)).toEqual([{ t: 0, z: 0, depth: 1, row: 2, column: 3, height: 3, width: 4 }]);
  });

  it('distant scribbles stay separate boxes; near ones merge', () => {
    const v = new LabelVolume({ t: 1, z: 1, y: 1000, x: 1000 });
    v.data[v.index(0, 0, 5, 5)] = 1;
    v.data[v.index(0, 0, 990, 990)] = 2;
    expect(labelledBoxes(v, { halo: 10 }).length).toBe(2);
    const w = new LabelVolume({ t: 1, z: 1, y: 600, x: 600 });
    w.data[w.index(0, 0, 254, 254)] = 1;
    w.data[w.index(0, 0, 258, 258)] = 1; // other tile, but close: 25² < 2·21²
    expect(labelledBoxes(w, { halo: 10, tileSize: 256 })).toEqual([{ t: 0, z: 0, depth: 1, row: 254, column: 254, height: 5, width: 5 }]);
  });

  it('2D features give per-plane boxes; tileDepth groups z', () => {
    const v = new LabelVolume({ t: 2, z: 3, y: 4, x: 4 });
    v.data[v.index(0, 0, 1, 1)] = 1;
    v.data[v.index(0, 2, 2, 2)] = 1;
    v.data[v.index(1, 1, 3, 3)] = 2;
    expect(labelledBoxes(v).map((b) => [b.t, b.z, b.depth])).toEqual([[0, 0, 1], [0, 2, 1], [1, 1, 1]]);
    expect(labelledBoxes(v, { tileDepth: 3 })).toEqual([
      { t: 0, z: 0, depth: 3, row: 1, column: 1, height: 2, width: 2 },
      { t: 1, z: 1, depth: 1, row: 3, column: 3, height: 1, width: 1 },
    ]);
  });

  it('covers every labelled pixel exactly once on random labels', () => {
    let s = 11;
    const random = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
    const v = new LabelVolume({ t: 1, z: 1, y: 300, x: 300 });
    for (let i = 0; i < 40; i++) v.data[Math.floor(random() * v.data.length)] = 1;
    const boxes = labelledBoxes(v, { halo: 5, tileSize: 64 });
    const seen = new Uint8Array(v.data.length);
    for (const b of boxes) for (let r = b.row; r < b.row + b.height; r++) for (let c = b.column; c < b.column + b.width; c++) seen[r * 300 + c]++;
    for (let i = 0; i < v.data.length; i++) {
      if (v.data[i]) expect(seen[i]).toBe(1);
      expect(seen[i]).toBeLessThanOrEqual(1);
    }
  });

  it('finds tight per-tile bounds on planes of odd sizes (word scan with unaligned planes and tails)', () => {
    let s = 5;
    const random = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
    for (const [nz, ny, nx] of [[3, 7, 5], [2, 33, 31], [4, 10, 13]]) {
      const v = new LabelVolume({ t: 2, z: nz, y: ny, x: nx });
      for (let i = 0; i < v.data.length; i++) if (random() < 0.03) v.data[i] = 1 + (i % 3);
      // the very last byte and the first byte of an unaligned plane are labelled too
      v.data[v.data.length - 1] = 2;
      v.data[ny * nx] = 1;
      const tile = 8;
      const boxes = labelledBoxes(v, { halo: 0, tileSize: tile });
      // brute force: per (t, z, tile) bounds; with halo 0, boxes of different tiles only merge when that is
      // no larger, so every labelled pixel is in a box and every box edge touches a labelled pixel
      for (let t = 0; t < 2; t++) {
        for (let z = 0; z < nz; z++) {
          const plane = v.plane(t, z);
          for (let i = 0; i < plane.length; i++) {
            if (!plane[i]) continue;
            const row = Math.floor(i / nx), column = i % nx;
            const inBox = boxes.filter((b) => b.t === t && b.z <= z && z < b.z + b.depth && b.row <= row && row < b.row + b.height && b.column <= column && column < b.column + b.width);
            expect(inBox).toHaveLength(1);
          }
          for (const b of boxes.filter((b) => b.t === t && b.z === z)) {
            const has = (r: number, c: number) => plane[r * nx + c] !== 0;
            const rowHas = (r: number) => Array.from({ length: b.width }, (_, k) => has(r, b.column + k)).some(Boolean);
            const colHas = (c: number) => Array.from({ length: b.height }, (_, k) => has(b.row + k, c)).some(Boolean);
            expect(rowHas(b.row) && rowHas(b.row + b.height - 1) && colHas(b.column) && colHas(b.column + b.width - 1)).toBe(true);
          }
        }
      }
    }
  });
});

describe('extractTrainingSamples', () => {
  it('gathers row-major samples of labelled pixels only, computing features per box', async () => {
    const v = new LabelVolume({ t: 1, z: 1, y: 3, x: 4 }, Uint8Array.of(
      0, 1, 0, 0,
      0, 0, 2, 0,
      0, 0, 0, 0,
    ));
    const requested: LabelBox[] = [];
    // Feature f of pixel (row, column) = 100·f + 10·row + column, laid out [f][row][column] of the box.
    const samples = await extractTrainingSamples(v, async (box) => {
      requested.push(box);
      const out = new Float32Array(2 * box.height * box.width);
      for (let f = 0; f < 2; f++) for (let r = 0; r < box.height; r++) for (let c = 0; c < box.width; c++) {
        out[(f * box.height + r) * box.width + c] = 100 * f + 10 * (box.row + r) + box.column + c;
      }
      return out;
    }, 2);
    expect(requested).toEqual([{ t: 0, z: 0, depth: 1, row: 0, column: 1, height: 2, width: 2 }]);
    expect(samples.nSamples).toBe(2);
    expect(Array.from(samples.X)).toEqual([1, 101, 12, 112]);
    expect(Array.from(samples.y)).toEqual([1, 2]);
  });

  it('rejects a wrongly sized feature block and honours cancellation', async () => {
    const v = new LabelVolume({ t: 1, z: 1, y: 2, x: 2 }, Uint8Array.of(1, 0, 0, 2));
    await expect(extractTrainingSamples(v, async () => new Float32Array(3), 2)).rejects.toThrow(/expected 2 × 4/);
    const controller = new AbortController();
    controller.abort();
    await expect(extractTrainingSamples(v, async () => new Float32Array(8), 2, {}, controller.signal)).rejects.toThrow();
  });

  it('concatenates images in order', async () => {
    const a = { X: Float32Array.of(1, 2), y: Uint8Array.of(1), nSamples: 1, nFeatures: 2, boxes: [] };
    const b = { X: Float32Array.of(3, 4, 5, 6), y: Uint8Array.of(2, 1), nSamples: 2, nFeatures: 2, boxes: [] };
    const c = concatSamples([a, b]);
    expect(Array.from(c.X)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(c.y)).toEqual([1, 2, 1]);
    expect(() => concatSamples([a, { ...b, nFeatures: 3 }])).toThrow(/same number/);
  });

  it('concatenates into arrays the caller allocates (reused shared buffers), checking their sizes', () => {
    const a = { X: Float32Array.of(1, 2), y: Uint8Array.of(1), nSamples: 1, nFeatures: 2, boxes: [] };
    const b = { X: Float32Array.of(3, 4, 5, 6), y: Uint8Array.of(2, 1), nSamples: 2, nFeatures: 2, boxes: [] };
    const X = new Float32Array(new SharedArrayBuffer(4 * 8), 0, 6).fill(-1);
    const y = new Uint8Array(new SharedArrayBuffer(4), 0, 3);
    const asked: number[][] = [];
    const c = concatSamples([a, b], (n, f) => { asked.push([n, f]); return { X, y }; });
    expect(asked).toEqual([[3, 2]]);
    expect(c.X).toBe(X);
    expect(c.y).toBe(y);
    expect(Array.from(c.X)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(c.y)).toEqual([1, 2, 1]);
    expect(() => concatSamples([a, b], () => ({ X: new Float32Array(4), y }))).toThrow(/expected 6 and 3/);
  });
});
