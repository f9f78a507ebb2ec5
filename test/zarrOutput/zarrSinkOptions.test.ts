import { describe, expect, it } from 'vitest';
import { downsampleMethodFor, omeZarrPixelSize } from '../../extension/batch/zarrSink';

describe('OME-Zarr export options', () => {
  it('pixel sizes become NGFF length units; unknown units and no size give none', () => {
    expect(omeZarrPixelSize({ x: 0.5, y: 0.25, z: 2, unit: 'µm', source: 'OME-XML' })).toEqual({ x: 0.5, y: 0.25, z: 2, unit: 'micrometer' });
    expect(omeZarrPixelSize({ x: 3, y: 3, unit: 'nm', source: 'project' })).toEqual({ x: 3, y: 3, unit: 'nanometer' });
    expect(omeZarrPixelSize({ x: 1, y: 1, unit: 'pixel', source: 'ImageJ' })).toBeUndefined();
    expect(omeZarrPixelSize(undefined)).toBeUndefined();
  });

  it('labels and segmentations keep their values in the pyramid (nearest); the rest are means', () => {
    expect(downsampleMethodFor('labels')).toBe('nearest');
    expect(downsampleMethodFor('simple-segmentation')).toBe('nearest');
    expect(downsampleMethodFor('probabilities')).toBe('mean');
    expect(downsampleMethodFor('uncertainty')).toBe('mean');
    expect(downsampleMethodFor('features')).toBe('mean');
  });
});
