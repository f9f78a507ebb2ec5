import { describe, expect, it } from 'vitest';
import { LabelVolume, SparseLabelVolume, type LabelStore } from '../../extension/core/labels/labelVolume';
import { labelTile } from '../../extension/core/labels/labelTile';

describe('labelTile (issue #13)', () => {
  const v = new LabelVolume({ t: 1, z: 2, y: 5, x: 6 });
  // plane z = 1: a thin line of class 2 at row 1, one pixel of class 1 at (4, 5)
  for (let x = 0; x < 6; x++) v.data[30 + 1 * 6 + x] = 2;
  v.data[30 + 4 * 6 + 5] = 1;

  it('level 0 is the labels as they are', () => {
    const tile = labelTile(v, 0, 1, { x: 2, y: 1, width: 4, height: 4 }, 1, 4, 4);
    expect(Array.from(tile)).toEqual([2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('a coarser level keeps the largest class of each block: thin lines stay visible', () => {
    const tile = labelTile(v, 0, 1, { x: 0, y: 0, width: 6, height: 5 }, 2, 3, 3);
    expect(Array.from(tile)).toEqual([2, 2, 2, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(labelTile(v, 0, 0, { x: 0, y: 0, width: 6, height: 5 }, 2, 3, 3))).toEqual(new Array(9).fill(0));
  });
});

/** The definition, pixel by pixel: every level-0 pixel of a cell, the largest class. */
function bruteForceTile(store: LabelStore, t: number, z: number, box: { x: number; y: number; width: number; height: number }, scale: number, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let i = 0; i < height; i++) {
    const r0 = box.y + Math.floor(i * scale), r1 = Math.min(box.y + box.height, Math.max(box.y + Math.floor((i + 1) * scale), r0 + 1));
    for (let j = 0; j < width; j++) {
      const c0 = box.x + Math.floor(j * scale), c1 = Math.min(box.x + box.width, Math.max(box.x + Math.floor((j + 1) * scale), c0 + 1));
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out[i * width + j] = Math.max(out[i * width + j], store.get(t, z, r, c));
    }
  }
  return out;
}

describe('labelTile reads only labelled blocks', () => {
  it('equals the pixel-by-pixel definition for dense and sparse stores, integer and fractional scales', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const shape = { t: 1, z: 2, y: 301, x: 277 };
    const dense = new LabelVolume(shape);
    const sparse = new SparseLabelVolume(shape);
    for (let k = 0; k < 40; k++) {
      const y0 = Math.floor(rand() * 290), x0 = Math.floor(rand() * 270), cls = 1 + Math.floor(rand() * 4), z = Math.floor(rand() * 2);
      for (let y = y0; y < Math.min(shape.y, y0 + 1 + rand() * 12); y++) {
        for (let x = x0; x < Math.min(shape.x, x0 + 1 + rand() * 30); x++) {
          dense.setAt(dense.index(0, z, y, x), cls);
          sparse.setAt(sparse.index(0, z, y, x), cls);
        }
      }
    }
    for (const scale of [1, 2, 4, 3.7, 1.5]) {
      for (const box of [{ x: 0, y: 0, width: 277, height: 301 }, { x: 60, y: 33, width: 150, height: 200 }]) {
        const width = Math.ceil(box.width / scale), height = Math.ceil(box.height / scale);
        for (const z of [0, 1]) {
          const expected = Array.from(bruteForceTile(dense, 0, z, box, scale, width, height));
          expect(Array.from(labelTile(dense, 0, z, box, scale, width, height)), `dense scale ${scale}`).toEqual(expected);
          expect(Array.from(labelTile(sparse, 0, z, box, scale, width, height)), `sparse scale ${scale}`).toEqual(expected);
        }
      }
    }
  });

  it('the coarsest tile of a 32768² plane with one stroke reads only the stroke’s rows', () => {
    const sparse = new SparseLabelVolume({ t: 1, z: 1, y: 32768, x: 32768 });
    for (let x = 20000; x < 20100; x++) sparse.setAt(sparse.index(0, 0, 12345, x), 3);
    let spans = 0;
    const counting = new Proxy(sparse, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (key === 'rowSpan') return (...a: Parameters<SparseLabelVolume['rowSpan']>) => { spans++; return target.rowSpan(...a); };
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const tile = labelTile(counting, 0, 0, { x: 0, y: 0, width: 32768, height: 32768 }, 64, 512, 512);
    expect(spans).toBeLessThanOrEqual(3 * 64); // the rows of the three 64² blocks the stroke touches
    expect(tile[Math.floor(12345 / 64) * 512 + Math.floor(20000 / 64)]).toBe(3);
    expect(tile.reduce((n, v) => n + (v ? 1 : 0), 0)).toBe(Math.floor(20099 / 64) - Math.floor(20000 / 64) + 1);
  });

  it('refuses a scale below 1', () => {
    expect(() => labelTile(new LabelVolume({ t: 1, z: 1, y: 2, x: 2 }), 0, 0, { x: 0, y: 0, width: 2, height: 2 }, 0.5, 4, 4)).toThrow(RangeError);
  });
});
