import { describe, expect, it } from 'vitest';
import { floodFill } from '../../extension/core/labels/tools/floodFill';
import { rasterizePolygon } from '../../extension/core/labels/tools/rasterizePolygon';
import { magicWand } from '../../extension/core/labels/tools/magicWand';
import { slic, superpixelBrush, SUPERPIXEL_TILE } from '../../extension/core/labels/tools/superpixels';
import { copySliceEdit, maskImportEdit, maskValues, planeToolEdit } from '../../extension/core/labels/tools/toolEdits';
import { LabelVolume } from '../../extension/core/labels/labelVolume';
import { applyEdit, revertEdit } from '../../extension/core/labels/labelEdit';

/** A plane from rows of digits, e.g. ['0011', '0010']. */
const plane = (rows: string[]) => Uint8Array.from(rows.join('').split('').map(Number));
/** Marks `indices` as 1 in a width×height picture of rows. */
const picture = (indices: ArrayLike<number>, width: number, height: number) => {
  const out = Array.from({ length: height }, () => Array(width).fill('.'));
  for (let k = 0; k < indices.length; k++) out[Math.floor(indices[k] / width)][indices[k] % width] = '#';
  return out.map((r) => r.join(''));
};

describe('floodFill', () => {
  const p = plane(['0011', '0010', '1100', '0001']);
  it('fills the 4-connected region of the clicked value', () => {
    const r = floodFill(p, 4, 4, 0, 0);
    expect(picture(r.indices, 4, 4)).toEqual(['##..', '##..', '....', '....']);
    expect([r.value, r.count, r.touchesBorder, r.tooLarge]).toEqual([0, 4, true, false]);
    expect(r.box).toEqual({ column: 0, row: 0, width: 2, height: 2 });
  });
  it('does not cross diagonals (4-connectivity)', () => {
    expect(picture(floodFill(p, 4, 4, 3, 1).indices, 4, 4)).toEqual(['....', '...#', '..##', '###.']);
    expect(floodFill(p, 4, 4, 3, 3).count).toBe(1);
  });
  it('stops above the size limit so the caller can ask first', () => {
    const big = new Uint8Array(100 * 100);
    const r = floodFill(big, 100, 100, 50, 50, 999);
    expect([r.tooLarge, r.count, r.indices.length]).toEqual([true, 1000, 0]);
    expect(floodFill(big, 100, 100, 50, 50).count).toBe(10000);
  });
  it('refuses a seed outside the plane', () => {
    expect(() => floodFill(p, 4, 4, 4, 0)).toThrow(/outside the 4×4 plane/);
  });
});

describe('rasterizePolygon', () => {
  it('fills pixel centres inside and the outline', () => {
    const square = [{ row: 1, column: 1 }, { row: 1, column: 4 }, { row: 4, column: 4 }, { row: 4, column: 1 }];
    expect(picture(rasterizePolygon(square, 6, 6).indices, 6, 6)).toEqual(['......', '.####.', '.####.', '.####.', '.####.', '......']);
  });
  it('a triangle keeps its shape; a tiny lasso still writes its pixels; clipped at the border', () => {
    const tri = [{ row: 0.5, column: 0.5 }, { row: 0.5, column: 6.5 }, { row: 6.5, column: 0.5 }];
    expect(picture(rasterizePolygon(tri, 7, 7).indices, 7, 7)).toEqual(['#######', '######.', '#####..', '####...', '###....', '##.....', '#......']);
    expect(rasterizePolygon([{ row: 2.2, column: 2.2 }, { row: 2.4, column: 2.6 }], 5, 5).indices).toEqual(Uint32Array.of(12));
    expect(rasterizePolygon([{ row: -5, column: -5 }, { row: -5, column: 10 }, { row: 10, column: 10 }, { row: 10, column: -5 }], 3, 2).indices.length).toBe(6);
  });
});

describe('magicWand', () => {
  const values = Float32Array.from([10, 12, 50, 50, 11, 13, 49, 80, 90, 14, 15, 52]);
  const region = { values, column: 0, row: 0, width: 4, height: 3 };
  it('grows 4-connected within the tolerance of the clicked value', () => {
    expect(picture(magicWand(region, 4, 0, 0, 3).indices, 4, 3)).toEqual(['##..', '##..', '....']);
    expect(picture(magicWand(region, 4, 0, 0, 5).indices, 4, 3)).toEqual(['##..', '##..', '.##.']);
    expect(picture(magicWand(region, 4, 2, 0, 2).indices, 4, 3)).toEqual(['..##', '..#.', '....']);
  });
  it('works in a box of a larger plane and returns plane indices', () => {
    const r = magicWand({ ...region, column: 10, row: 20 }, 100, 10, 20, 0);
    expect(Array.from(r.indices)).toEqual([20 * 100 + 10]);
    expect(() => magicWand(region, 4, 9, 0, 1)).toThrow(/outside its region/);
  });
});

describe('slic superpixels', () => {
  // Two flat halves with noise: segments never straddle the edge.
  const W = 48, H = 32;
  const values = new Float32Array(W * H);
  let s = 7;
  for (let i = 0; i < values.length; i++) { s = (s * 1103515245 + 12345) >>> 0; values[i] = (i % W < 24 ? 100 : 300) + (s % 7); }
  const sp = slic(values, W, H, { step: 8 });
  it('covers every pixel, is deterministic and follows the edge', () => {
    expect(sp.labels.every((l) => l >= 0 && l < sp.count)).toBe(true);
    expect(sp.count).toBeGreaterThan(10);
    expect(slic(values, W, H, { step: 8 }).labels).toEqual(sp.labels);
    for (let y = 0; y < H; y++) expect(sp.labels[y * W + 23]).not.toBe(sp.labels[y * W + 24]);
  });
  it('every segment is 4-connected', () => {
    for (let id = 0; id < sp.count; id++) {
      const pixels = [...sp.labels.keys()].filter((i) => sp.labels[i] === id);
      const seen = new Set([pixels[0]]);
      const stack = [pixels[0]];
      while (stack.length) {
        const i = stack.pop()!;
        for (const j of [i % W ? i - 1 : -1, (i + 1) % W ? i + 1 : -1, i - W, i + W]) if (j >= 0 && j < W * H && sp.labels[j] === id && !seen.has(j)) { seen.add(j); stack.push(j); }
      }
      expect(seen.size).toBe(pixels.length);
    }
  });
  it('the superpixel brush writes whole segments of the touched tiles', () => {
    const tileOf = () => sp;
    const out = superpixelBrush([5 * W + 5], W, H, tileOf);
    const id = sp.labels[5 * W + 5];
    expect(Array.from(out)).toEqual([...sp.labels.keys()].filter((i) => sp.labels[i] === id));
    expect(SUPERPIXEL_TILE).toBe(256);
  });
});

describe('tool edits', () => {
  it('preserve labels writes only unlabelled pixels; undo∘redo is identity', () => {
    const v = new LabelVolume({ t: 1, z: 2, y: 2, x: 3 });
    v.plane(0, 1).set([0, 2, 0, 1, 0, 0]);
    const before = v.data.slice();
    const edit = planeToolEdit(v, 0, 1, [0, 1, 2, 3], 1, { preserveLabels: true, label: 'Fill' })!;
    applyEdit(v, edit);
    expect(Array.from(v.plane(0, 1))).toEqual([1, 2, 1, 1, 0, 0]);
    revertEdit(v, edit);
    expect(v.data).toEqual(before);
    const overwrite = planeToolEdit(v, 0, 1, [1], 1, { label: 'Fill' })!;
    expect(Array.from(overwrite.previous)).toEqual([2]);
    expect(planeToolEdit(v, 0, 1, [3], 1, { label: 'x' })).toBeUndefined(); // no change, no undo step
    expect(() => planeToolEdit(v, 0, 1, [6], 1, { label: 'x' })).toThrow(/outside the plane/);
  });
  it('copies a slice to the next one as one edit, keeping the target\'s other labels', () => {
    const v = new LabelVolume({ t: 1, z: 3, y: 1, x: 4 });
    v.plane(0, 0).set([1, 1, 0, 2]);
    v.plane(0, 1).set([0, 2, 1, 0]);
    const edit = copySliceEdit(v, 0, 0, 1, { label: 'Copy labels from slice 0' })!;
    applyEdit(v, edit);
    expect(Array.from(v.plane(0, 1))).toEqual([1, 1, 1, 2]);
    revertEdit(v, edit);
    applyEdit(v, copySliceEdit(v, 0, 0, 1, { label: 'c', preserveLabels: true })!);
    expect(Array.from(v.plane(0, 1))).toEqual([1, 2, 1, 2]);
  });
  it('imports a mask with a value → class mapping', async () => {
    const v = new LabelVolume({ t: 1, z: 1, y: 2, x: 3 });
    const mask = [0, 7, 7, 3, 0, 9];
    const read = async () => mask;
    expect(await maskValues({ t: 1, z: 1 }, read)).toEqual([3, 7, 9]);
    const edit = (await maskImportEdit(v, read, new Map([[7, 1], [3, 2]]), { label: 'Import labels' }))!;
    applyEdit(v, edit);
    expect(Array.from(v.data)).toEqual([0, 1, 1, 2, 0, 0]);
    await expect(maskValues({ t: 1, z: 1 }, async () => Array.from({ length: 300 }, (_, i) => i + 1))).rejects.toThrow(/more than 256 distinct values/);
  });
});
