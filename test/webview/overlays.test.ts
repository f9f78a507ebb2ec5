import { describe, expect, it } from 'vitest';
import {
  applyPatch, classPalette, compositeTile, createPredictionPlane, labelBounds, probabilitiesAt, renderLabels, renderPredictionOverlay,
} from '../../webview/canvas/overlays';
import { getLut } from '../../webview/canvas/lut';

const palette = classPalette([{ id: 1, rgb: [255, 0, 0] }, { id: 2, rgb: [0, 0, 255] }, { id: 3, rgb: [0, 255, 0] }]);

describe('labels', () => {
  it('palette: id 0 transparent, classes opaque', () => {
    expect(Array.from(palette.subarray(0, 12))).toEqual([0, 0, 0, 0, 255, 0, 0, 255, 0, 0, 255, 255]);
  });

  it('renders a box of a label plane', () => {
    const labels = new Uint8Array([0, 1, 2, 0, 2, 1]); // 3×2
    const out = new Uint8ClampedArray(2 * 2 * 4);
    renderLabels(labels, 3, { column: 1, row: 0, width: 2, height: 2 }, palette, out);
    expect(Array.from(out)).toEqual([255, 0, 0, 255, 0, 0, 255, 255, 0, 0, 255, 255, 255, 0, 0, 255]);
  });

  it('applies a patch into the plane', () => {
    const labels = new Uint8Array(12); // 4×3
    applyPatch(labels, 4, { column: 1, row: 1, width: 2, height: 2 }, new Uint8Array([1, 2, 3, 4]));
    expect(Array.from(labels)).toEqual([0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0]);
  });
});

describe('prediction tiles', () => {
  it('composites class-major tiles into the plane and records coverage', () => {
    const plane = createPredictionPlane(4, 3, 2);
    // tile 2×2 at (1,1): class 0 = [10,20,30,40], class 1 = [245,235,225,215]
    compositeTile(plane, { column: 1, row: 1, width: 2, height: 2 }, new Uint8Array([10, 20, 30, 40, 245, 235, 225, 215]));
    expect(Array.from(plane.probs.subarray(0, 12))).toEqual([0, 0, 0, 0, 0, 10, 20, 0, 0, 30, 40, 0]);
    expect(Array.from(plane.probs.subarray(12))).toEqual([0, 0, 0, 0, 0, 245, 235, 0, 0, 225, 215, 0]);
    expect(Array.from(plane.covered)).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0]);
    expect(probabilitiesAt(plane, 2, 2)).toEqual([40 / 255, 215 / 255]);
    expect(probabilitiesAt(plane, 0, 0)).toBeUndefined();
    expect(probabilitiesAt(plane, 9, 0)).toBeUndefined();
  });

  it('clips tiles that overhang the plane', () => {
    const plane = createPredictionPlane(3, 2, 1);
    const box = compositeTile(plane, { column: 2, row: 1, width: 2, height: 2 }, new Uint8Array([1, 2, 3, 4]));
    expect(box).toEqual({ column: 2, row: 1, width: 1, height: 1 });
    expect(Array.from(plane.probs)).toEqual([0, 0, 0, 0, 0, 1]);
  });

  it('later tiles overwrite earlier ones', () => {
    const plane = createPredictionPlane(2, 1, 1);
    compositeTile(plane, { column: 0, row: 0, width: 2, height: 1 }, new Uint8Array([5, 6]));
    compositeTile(plane, { column: 1, row: 0, width: 1, height: 1 }, new Uint8Array([9]));
    expect(Array.from(plane.probs)).toEqual([5, 9]);
  });
});

describe('prediction overlays', () => {
  // 3 pixels, 2 classes: certain class 1, 50/50, certain-ish class 2 (p = 0.2, 0.8); the 4th uncovered.
  const plane = createPredictionPlane(4, 1, 2);
  compositeTile(plane, { column: 0, row: 0, width: 3, height: 1 }, new Uint8Array([255, 128, 51, 0, 127, 204]));
  const box = { column: 0, row: 0, width: 4, height: 1 };
  const lut = getLut('grey');

  it('probabilities: weighted class colours, alpha = p_max', () => {
    const out = new Uint8ClampedArray(16);
    renderPredictionOverlay(plane, box, 'probabilities', palette, lut, out);
    expect(Array.from(out)).toEqual([255, 0, 0, 255, 128, 0, 127, 128, 51, 0, 204, 204, 0, 0, 0, 0]);
  });

  it('segmentation: argmax class colour', () => {
    const out = new Uint8ClampedArray(16);
    renderPredictionOverlay(plane, box, 'segmentation', palette, lut, out);
    expect(Array.from(out)).toEqual([255, 0, 0, 255, 255, 0, 0, 255, 0, 0, 255, 255, 0, 0, 0, 0]);
  });

  it('uncertainty: 1 − (p_max − p_second) through the LUT', () => {
    const out = new Uint8ClampedArray(16);
    renderPredictionOverlay(plane, box, 'uncertainty', palette, lut, out);
    // u = 255 − (255 − 0) = 0; 255 − (128 − 127) = 254; 255 − (204 − 51) = 102
    expect(Array.from(out)).toEqual([0, 0, 0, 255, 254, 254, 254, 255, 102, 102, 102, 255, 0, 0, 0, 0]);
  });

  it('three classes: second-best is used for uncertainty', () => {
    const p3 = createPredictionPlane(1, 1, 3);
    compositeTile(p3, { column: 0, row: 0, width: 1, height: 1 }, new Uint8Array([50, 150, 55]));
    const out = new Uint8ClampedArray(4);
    renderPredictionOverlay(p3, { column: 0, row: 0, width: 1, height: 1 }, 'uncertainty', palette, lut, out);
    expect(out[0]).toBe(255 - (150 - 55));
    renderPredictionOverlay(p3, { column: 0, row: 0, width: 1, height: 1 }, 'segmentation', palette, lut, out);
    expect(Array.from(out)).toEqual([0, 0, 255, 255]);
  });
});

describe('labelBounds', () => {
  it('finds the bounding box of non-zero labels', () => {
    const labels = new Uint8Array([
      0, 0, 0, 0, 0,
      0, 0, 2, 0, 0,
      0, 1, 0, 0, 0,
      0, 0, 0, 3, 0,
    ]);
    expect(labelBounds(labels, 5, 4)).toEqual({ column: 1, row: 1, width: 3, height: 3 });
    expect(labelBounds(new Uint8Array(6), 3, 2)).toBeUndefined();
    expect(labelBounds(new Uint8Array([0, 0, 0, 7]), 2, 2)).toEqual({ column: 1, row: 1, width: 1, height: 1 });
  });
});
