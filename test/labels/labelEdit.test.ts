import { describe, expect, it } from 'vitest';
import {
  applyEdit, createEdit, deleteClassEdit, editPatches, invertEdit, revertEdit,
} from '../../extension/core/labels/labelEdit';
import { LabelVolume } from '../../extension/core/labels/labelVolume';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

describe('label volume', () => {
  it('indexes (t, z, row, column)', () => {
    const v = new LabelVolume({ t: 2, z: 3, y: 4, x: 5 });
    expect(v.index(1, 2, 3, 4)).toBe(((1 * 3 + 2) * 4 + 3) * 5 + 4);
    v.data[v.index(1, 2, 3, 4)] = 7;
    expect(v.get(1, 2, 3, 4)).toBe(7);
    expect(v.plane(1, 2)[19]).toBe(7);
    expect(v.counts(2)).toEqual([119, 0, 0, 0, 0, 0, 0, 1]);
    expect(v.counts(9).length).toBe(10);
    expect(v.maxClass()).toBe(7);
    expect(() => v.plane(2, 0)).toThrow(/outside/);
    expect(() => new LabelVolume({ t: 1, z: 0, y: 1, x: 1 })).toThrow(/positive integer/);
    expect(() => new LabelVolume({ t: 1, z: 1, y: 1, x: 2 }, new Uint8Array(3))).toThrow(/3 values/);
  });
});

describe('label edits', () => {
  it('records touched pixels with previous and next values, skipping no-ops', () => {
    const v = new LabelVolume({ t: 1, z: 1, y: 2, x: 3 }, Uint8Array.of(0, 1, 2, 0, 0, 1));
    const edit = createEdit(v, [5, 0, 1, 1], 1, 'Paint')!;
    expect(Array.from(edit.indices)).toEqual([0]);
    expect(Array.from(edit.previous)).toEqual([0]);
    expect(Array.from(edit.next)).toEqual([1]);
    expect(createEdit(v, [1, 5], 1, 'Paint')).toBeUndefined();
    const erase = createEdit(v, [2, 1, 0], 0, 'Erase')!;
    expect(Array.from(erase.indices)).toEqual([1, 2]);
    expect(Array.from(erase.previous)).toEqual([1, 2]);
    expect(erase.classId).toBe(0);
    expect(() => createEdit(v, [6], 1, 'x')).toThrow(/outside/);
    expect(() => createEdit(v, [0], 256, 'x')).toThrow(/0..255/);
  });

  it('per-index values follow their indices when sorting', () => {
    const v = new LabelVolume({ t: 1, z: 1, y: 1, x: 4 });
    const edit = createEdit(v, [3, 0, 2], [3, 1, 2], 'x')!;
    expect(Array.from(edit.indices)).toEqual([0, 2, 3]);
    expect(Array.from(edit.next)).toEqual([1, 2, 3]);
  });

  it('apply ∘ invert = identity on random edit sequences (undo all, redo all)', () => {
    const random = lcg(3);
    const v = new LabelVolume({ t: 1, z: 2, y: 16, x: 16 });
    const snapshots = [v.data.slice()];
    const edits = [];
    for (let i = 0; i < 50; i++) {
      const n = 1 + Math.floor(random() * 40);
      const indices = Array.from({ length: n }, () => Math.floor(random() * v.data.length));
      const edit = createEdit(v, indices, Math.floor(random() * 4), `e${i}`);
      if (!edit) continue;
      applyEdit(v, edit);
      edits.push(edit);
      snapshots.push(v.data.slice());
    }
    for (let i = edits.length - 1; i >= 0; i--) {
      applyEdit(v, invertEdit(edits[i]));
      expect(v.data).toEqual(snapshots[i]);
    }
    for (let i = 0; i < edits.length; i++) {
      applyEdit(v, edits[i]);
      expect(v.data).toEqual(snapshots[i + 1]);
    }
    for (let i = edits.length - 1; i >= 0; i--) revertEdit(v, edits[i]);
    expect(v.labelledCount()).toBe(0);
    expect(invertEdit(invertEdit(edits[0]))).toEqual(edits[0]);
  });

  it('deleting a class unlabels it and renumbers higher classes as one edit', () => {
    const v = new LabelVolume({ t: 1, z: 1, y: 1, x: 5 }, Uint8Array.of(0, 1, 2, 3, 2));
    const edit = deleteClassEdit(v, 2)!;
    applyEdit(v, edit);
    expect(Array.from(v.data)).toEqual([0, 1, 0, 2, 0]);
    revertEdit(v, edit);
    expect(Array.from(v.data)).toEqual([0, 1, 2, 3, 2]);
    expect(deleteClassEdit(new LabelVolume({ t: 1, z: 1, y: 1, x: 2 }), 1)).toBeUndefined();
  });

  it('patches give one bounding box per touched plane', () => {
    const v = new LabelVolume({ t: 2, z: 2, y: 4, x: 4 });
    const edit = createEdit(v, [v.index(0, 1, 1, 2), v.index(0, 1, 3, 0), v.index(1, 0, 2, 2)], 1, 'x')!;
    expect(editPatches(v, edit)).toEqual([
      { t: 0, z: 1, box: { column: 0, row: 1, width: 3, height: 3 } },
      { t: 1, z: 0, box: { column: 2, row: 2, width: 1, height: 1 } },
    ]);
  });
});
