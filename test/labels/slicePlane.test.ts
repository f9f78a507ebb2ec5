import { describe, expect, it } from 'vitest';
import {
  planeBoxToVolume, planeSizeOf, planeToVoxel, planeVoxelIndex, sliceCount, voxelToPlane, volumeOrderToPlane, ORIENTATIONS,
} from '../../extension/core/views/slicePlane';

const shape = { t: 2, z: 3, y: 4, x: 5 };

describe('slicePlane geometry', () => {
  it('sizes follow the Fiji layout (xz: rows z, yz: columns z)', () => {
    expect(planeSizeOf(shape, 'xy')).toEqual({ width: 5, height: 4 });
    expect(planeSizeOf(shape, 'xz')).toEqual({ width: 5, height: 3 });
    expect(planeSizeOf(shape, 'yz')).toEqual({ width: 3, height: 4 });
    expect([sliceCount(shape, 'xy'), sliceCount(shape, 'xz'), sliceCount(shape, 'yz')]).toEqual([3, 4, 5]);
  });

  it('plane ↔ voxel round trips in every orientation', () => {
    for (const o of ORIENTATIONS) {
      for (let z = 0; z < 3; z++) for (let y = 0; y < 4; y++) for (let x = 0; x < 5; x++) {
        const p = voxelToPlane(o, { z, y, x });
        expect(planeToVoxel(o, p.index, p.column, p.row)).toEqual({ z, y, x });
      }
    }
    expect(planeToVoxel('xz', 2, 4, 1)).toEqual({ z: 1, y: 2, x: 4 });
    expect(planeToVoxel('yz', 3, 2, 1)).toEqual({ z: 2, y: 1, x: 3 });
  });

  it('plane indices map to the voxels planeToVoxel names', () => {
    for (const o of ORIENTATIONS) {
      const { width, height } = planeSizeOf(shape, o);
      for (let index = 0; index < sliceCount(shape, o); index++) {
        const map = planeVoxelIndex(shape, { orientation: o, t: 1, index });
        for (let row = 0; row < height; row++) for (let column = 0; column < width; column++) {
          const v = planeToVoxel(o, index, column, row);
          expect(map(row * width + column)).toBe(((1 * 3 + v.z) * 4 + v.y) * 5 + v.x);
        }
      }
    }
  });

  it('a plane box becomes the right volume box, and yz values are transposed to plane order', () => {
    expect(planeBoxToVolume('xz', 2, { column: 1, row: 0, width: 3, height: 2 })).toEqual({ z0: 0, nz: 2, y0: 2, ny: 1, x0: 1, nx: 3 });
    expect(planeBoxToVolume('yz', 4, { column: 1, row: 2, width: 2, height: 2 })).toEqual({ z0: 1, nz: 2, y0: 2, ny: 2, x0: 4, nx: 1 });
    // volume order [z][y] for z = 0..1 (columns), y = 0..2 (rows): values z*10 + y
    const volume = Float32Array.from([0, 1, 2, 10, 11, 12]);
    expect(Array.from(volumeOrderToPlane('yz', { width: 2, height: 3 }, volume))).toEqual([0, 10, 1, 11, 2, 12]);
    // two blocks (classes) are transposed each
    const two = Uint8Array.from([0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112]);
    expect(Array.from(volumeOrderToPlane('yz', { width: 2, height: 3 }, two, 2))).toEqual([0, 10, 1, 11, 2, 12, 100, 110, 101, 111, 102, 112]);
    expect(volumeOrderToPlane('xz', { width: 2, height: 3 }, volume)).toBe(volume);
  });
});
