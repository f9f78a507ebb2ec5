import { describe, expect, it } from 'vitest';
import { LabelVolume } from '../../extension/core/labels/labelVolume';
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
