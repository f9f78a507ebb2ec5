import { describe, expect, it } from 'vitest';
import { encodeTiff } from '../../extension/core/image/tiffWriter';
import { openImageBytes } from '../../extension/node/openImage';
import { formatPixelSize, pixelSizeFromMetadata } from '../../extension/core/image/pixelSize';

describe('pixel sizes from file metadata (issue #15)', () => {
  it('ImageJ unit and spacing with the resolution tags', async () => {
    const bytes = encodeTiff(Array.from({ length: 3 }, () => new Uint16Array(4)), { width: 2, height: 2, dtype: 'uint16', shape: { t: 1, z: 3, c: 1 }, resolution: { x: 0.25, y: 0.5, z: 2, unit: 'micron' } });
    const image = await openImageBytes(bytes, 'stack.tif');
    expect(pixelSizeFromMetadata(image.info)).toEqual({ x: 0.25, y: 0.5, z: 2, unit: 'µm', source: 'ImageJ' });
  });
  it('OME-XML physical sizes with units, converted to µm', () => {
    expect(pixelSizeFromMetadata({ format: 'tiff', metadata: { ome: { PhysicalSizeX: 325, PhysicalSizeY: 325, PhysicalSizeZ: 2000, PhysicalSizeXUnit: 'nm' } } }))
      .toEqual({ x: 0.325, y: 0.325, z: 2, unit: 'µm', source: 'OME-XML' });
    expect(pixelSizeFromMetadata({ format: 'tiff', metadata: { ome: { PhysicalSizeX: 0.1 } } })).toMatchObject({ x: 0.1, y: 0.1, unit: 'µm' });
  });
  it('plain TIFF resolution in centimetres or inches; ImageJ without a unit and no unit at all give nothing', () => {
    expect(pixelSizeFromMetadata({ format: 'tiff', metadata: { xResolution: 10000, yResolution: 10000, resolutionUnit: 'centimeter' } })).toEqual({ x: 1, y: 1, unit: 'µm', source: 'TIFF resolution' });
    expect(pixelSizeFromMetadata({ format: 'tiff', metadata: { xResolution: 72, resolutionUnit: 'inch' } })!.x).toBeCloseTo(352.78, 2);
    expect(pixelSizeFromMetadata({ format: 'tiff', metadata: { xResolution: 1, yResolution: 1, imagej: { ImageJ: '1.11a' } } })).toBeUndefined();
    expect(pixelSizeFromMetadata({ format: 'tiff', metadata: { xResolution: 72, resolutionUnit: 'none' } })).toBeUndefined();
    expect(pixelSizeFromMetadata({ format: 'png', metadata: {} })).toBeUndefined();
  });
  it('HDF5 axistags resolution; formatting', () => {
    const s = pixelSizeFromMetadata({ format: 'hdf5', metadata: { resolution: { x: 0.2, y: 0.2, z: 1.5 } } })!;
    expect(s).toEqual({ x: 0.2, y: 0.2, z: 1.5, unit: 'µm', source: 'HDF5 axistags' });
    expect(formatPixelSize(s)).toBe('0.2 × 0.2 × 1.5 µm');
    expect(formatPixelSize({ x: 0.325, y: 0.325, unit: 'µm', source: 'x' })).toBe('0.325 × 0.325 µm');
  });
});
