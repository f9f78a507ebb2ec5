import { describe, expect, it } from 'vitest';
import { rasterizeStroke, strokeEdit } from '../../extension/core/labels/rasterizeStroke';
import { LabelVolume } from '../../extension/core/labels/labelVolume';
import { applyEdit, revertEdit } from '../../extension/core/labels/labelEdit';

function maskOf(indices: Uint32Array, width: number, height: number): string[] {
  const rows = Array.from({ length: height }, () => Array(width).fill('.'));
  for (const i of indices) rows[Math.floor(i / width)][i % width] = '#';
  return rows.map((r) => r.join(''));
}

describe('rasterizeStroke', () => {
  it('a size-1 click paints exactly its pixel, even on a corner', () => {
    expect(Array.from(rasterizeStroke([{ row: 1.5, column: 1.5 }], 0.5, 4, 4).indices)).toEqual([5]);
    expect(Array.from(rasterizeStroke([{ row: 2, column: 2 }], 0.5, 4, 4).indices)).toEqual([10]);
  });

  it('a round brush of radius 2 is a disc', () => {
    const { indices, box } = rasterizeStroke([{ row: 3.5, column: 3.5 }], 2, 7, 7);
    expect(maskOf(indices, 7, 7)).toEqual([
      '.......',
      '...#...',
      '..###..',
      '.#####.',
      '..###..',
      '...#...',
      '.......',
    ]);
    expect(box).toEqual({ column: 1, row: 1, width: 5, height: 5 });
  });

  it('interpolates fast strokes without gaps (thin diagonal stays 8-connected)', () => {
    const { indices } = rasterizeStroke([{ row: 0.5, column: 0.5 }, { row: 5.5, column: 5.5 }], 0.5, 6, 6);
    const rows = maskOf(indices, 6, 6);
    for (let i = 0; i < 6; i++) expect(rows[i][i]).toBe('#');
    const { indices: shallow } = rasterizeStroke([{ row: 0.2, column: 0.1 }, { row: 2.9, column: 9.9 }], 0.5, 10, 3);
    const cols = new Set(Array.from(shallow, (i) => i % 10));
    expect(cols.size).toBe(10);
  });

  it('clips to the plane and handles strokes entirely outside', () => {
    const { indices } = rasterizeStroke([{ row: -1, column: -1 }, { row: 0.5, column: 0.5 }], 1, 3, 3);
    expect(maskOf(indices, 3, 3)).toEqual(['##.', '#..', '...']);
    expect(rasterizeStroke([{ row: -50, column: -50 }], 3, 3, 3).indices.length).toBe(0);
    expect(rasterizeStroke([], 3, 3, 3).indices.length).toBe(0);
    expect(() => rasterizeStroke([{ row: NaN, column: 0 }], 1, 3, 3)).toThrow(/finite/);
  });

  it('indices are strictly increasing and unique for a multi-segment stroke', () => {
    const { indices } = rasterizeStroke([{ row: 5, column: 5 }, { row: 20, column: 30 }, { row: 8, column: 2 }], 4, 40, 40);
    for (let i = 1; i < indices.length; i++) expect(indices[i]).toBeGreaterThan(indices[i - 1]);
  });

  it('strokeEdit paints on the chosen plane and undoes exactly', () => {
    const v = new LabelVolume({ t: 1, z: 3, y: 5, x: 5 });
    const edit = strokeEdit(v, 0, 2, [{ row: 2.5, column: 2.5 }], 1, 2)!;
    applyEdit(v, edit);
    expect(v.get(0, 2, 2, 2)).toBe(2);
    expect(v.get(0, 1, 2, 2)).toBe(0);
    expect(edit.label).toBe('Paint class 2');
    expect(strokeEdit(v, 0, 2, [{ row: 2.5, column: 2.5 }], 1, 2)).toBeUndefined();
    const erase = strokeEdit(v, 0, 2, [{ row: 2.5, column: 2.5 }], 0.5, 0)!;
    expect(erase.label).toBe('Erase');
    applyEdit(v, erase);
    revertEdit(v, erase);
    revertEdit(v, edit);
    expect(v.labelledCount()).toBe(0);
  });
});
