import { describe, expect, it } from 'vitest';
import { LabelVolume } from '../../extension/core/labels/labelVolume';
import { applyEdit, createEdit, revertEdit } from '../../extension/core/labels/labelEdit';

describe('LabelVolume.counts cache', () => {
  it('follows edits, their inversion and explicit changes', () => {
    const volume = new LabelVolume({ t: 1, z: 1, y: 4, x: 5 });
    expect(volume.counts(2)).toEqual([20, 0, 0]);
    const edit = createEdit(volume, [0, 1, 2, 7], 2, 'stroke')!;
    applyEdit(volume, edit);
    expect(volume.counts(2)).toEqual([16, 0, 4]);
    revertEdit(volume, edit);
    expect(volume.counts(2)).toEqual([20, 0, 0]);
    volume.data[19] = 3; // a direct write is seen only after changed()
    expect(volume.counts(2)).toEqual([20, 0, 0]);
    volume.changed();
    expect(volume.counts(2)).toEqual([19, 0, 0, 1]);
  });

  it('returns a fresh array each time (callers may modify it)', () => {
    const volume = new LabelVolume({ t: 1, z: 1, y: 2, x: 2 });
    const a = volume.counts(1);
    a[0] = 99;
    expect(volume.counts(1)).toEqual([4, 0]);
  });
});
