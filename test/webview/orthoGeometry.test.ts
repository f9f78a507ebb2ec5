import { describe, expect, it } from 'vitest';
import { fitTransform, planeToScreen, screenToPlane } from '../../webview/canvas/viewTransform';
import { planeSizeOf, planeToVoxel } from '../../extension/core/views/slicePlane';

describe('screen ↔ voxel in the three views, with anisotropy (issue #15)', () => {
  const shape = { z: 10, y: 40, x: 60 };
  // z is 5× coarser than x and y: the xz view's rows (z) are 5× taller, the yz view's columns (z) 5× wider.
  const aspect = { xy: 1, xz: 5, yz: 1 / 5 } as const;

  it('a click maps to the voxel under it in every orientation, and back', () => {
    for (const o of ['xy', 'xz', 'yz'] as const) {
      const { width, height } = planeSizeOf(shape, o);
      const view = fitTransform(400, 300, width, height * aspect[o], 0);
      for (const [column, row] of [[0, 0], [width - 1, height - 1], [Math.floor(width / 2), 1]]) {
        const s = planeToScreen(view, aspect[o], column + 0.5, row + 0.5);
        const p = screenToPlane(view, aspect[o], s.sx, s.sy);
        expect([Math.floor(p.x), Math.floor(p.y)]).toEqual([column, row]);
        const voxel = planeToVoxel(o, 3, Math.floor(p.x), Math.floor(p.y));
        expect(voxel.z).toBe(o === 'xy' ? 3 : o === 'xz' ? row : column);
      }
    }
  });

  it('the xz view shows z 5× taller: one slice spans 5× the screen height of one column', () => {
    const { width, height } = planeSizeOf(shape, 'xz');
    const view = fitTransform(600, 600, width, height * aspect.xz, 0);
    const a = planeToScreen(view, aspect.xz, 0, 0);
    const b = planeToScreen(view, aspect.xz, 1, 1);
    expect((b.sy - a.sy) / (b.sx - a.sx)).toBeCloseTo(5, 10);
    // The whole plane is drawn with the true proportions: 60 px of x by 10 slices × 5.
    const end = planeToScreen(view, aspect.xz, width, height);
    expect((end.sy - a.sy) / (end.sx - a.sx)).toBeCloseTo((10 * 5) / 60, 10);
  });
});
