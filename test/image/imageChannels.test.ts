/** Issue #15: channel names and the alpha channel as the Features panel and the default feature channels see them. */
import { describe, expect, it } from 'vitest';
import { defaultFeatureChannels, imageChannels } from '../../extension/core/image/imageChannels';
import { featureImageOf } from '../../extension/core/features/featureImageOf';

const shape = (c: number) => ({ t: 1, z: 1, c, y: 4, x: 4 });

describe('imageChannels', () => {
  it('PNG RGBA and gray+alpha: colour names, alpha marked; RGB has no alpha', () => {
    expect(imageChannels({ format: 'png', shape: shape(4), metadata: { colorType: 'rgba' } })).toEqual({ names: ['Red', 'Green', 'Blue', 'Alpha'], alpha: 3 });
    expect(imageChannels({ format: 'png', shape: shape(2), metadata: { colorType: 'gray+alpha' } })).toEqual({ names: ['Gray', 'Alpha'], alpha: 1 });
    expect(imageChannels({ format: 'png', shape: shape(3), metadata: { colorType: 'rgb' } })).toEqual({ names: ['Red', 'Green', 'Blue'] });
  });

  it('TIFF: RGB(A) samples by photometric; OME channel names win; otherwise "Channel k" (0-based)', () => {
    expect(imageChannels({ format: 'tiff', shape: shape(4), metadata: { photometric: 2, samplesPerPixel: 4 } }).alpha).toBe(3);
    expect(imageChannels({ format: 'tiff', shape: shape(3), metadata: { photometric: 2, samplesPerPixel: 3 } })).toEqual({ names: ['Red', 'Green', 'Blue'] });
    expect(imageChannels({ format: 'tiff', shape: shape(2), metadata: { channelNames: ['DAPI', ''] } })).toEqual({ names: ['DAPI', 'Channel 1'] });
    expect(imageChannels({ format: 'tiff', shape: shape(4), metadata: { photometric: 1, samplesPerPixel: 1 } })).toEqual({ names: ['Channel 0', 'Channel 1', 'Channel 2', 'Channel 3'] });
  });

  it('default feature channels: all but alpha, unless alpha is all there is', () => {
    expect(defaultFeatureChannels({ names: ['R', 'G', 'B', 'A'], alpha: 3 })).toEqual([0, 1, 2]);
    expect(defaultFeatureChannels({ names: ['a', 'b'] })).toEqual([0, 1]);
    expect(defaultFeatureChannels({ names: ['A'], alpha: 0 })).toEqual([0]);
  });

  it('featureImageOf: the project override beats the file pixel size; alpha from the file', () => {
    const info = { format: 'png' as const, shape: shape(4), metadata: { colorType: 'rgba' } };
    expect(featureImageOf('a.png', info)).toEqual({ name: 'a.png', shape: shape(4), alphaChannel: 3 });
    const withSize = featureImageOf('a.png', info, { x: 0.2, y: 0.3, unit: 'µm' });
    expect(withSize.pixelSize).toEqual({ x: 0.2, y: 0.3, unit: 'µm' });
    const ome = { format: 'tiff' as const, shape: shape(1), metadata: { ome: { PhysicalSizeX: 0.5, PhysicalSizeY: 0.5, PhysicalSizeZ: 2 } } };
    expect(featureImageOf('b.tif', ome).pixelSize).toEqual({ x: 0.5, y: 0.5, z: 2, unit: 'µm' });
    expect(featureImageOf('b.tif', ome, { x: 1, y: 1, z: 3, unit: 'µm' }).pixelSize).toEqual({ x: 1, y: 1, z: 3, unit: 'µm' });
  });
});
