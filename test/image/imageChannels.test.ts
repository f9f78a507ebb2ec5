/** Issue #15: channel names and the alpha channel as the Features panel and the default feature channels see them. */
import { describe, expect, it } from 'vitest';
import { defaultFeatureChannels, imageChannels } from '../../extension/core/image/imageChannels';
import { featureImageOf } from '../../extension/core/features/featureImageOf';
import { selectionForImage } from '../../extension/core/features/selectionForImage';
import { selectionDefaultLight } from '../../extension/core/features/featureSet';
import { encode as encodePngRaw } from 'fast-png';
import { openImageBytes } from '../../extension/node/openImage';

/** A minimal chunky 8-bit RGBA TIFF (photometric RGB, one extra sample = unassociated alpha), one strip. */
function rgbaTiff(width: number, height: number, pixels: Uint8Array): Uint8Array {
  const tags: [number, number, number, number][] = [];
  const ifdAt = 8, nTags = 11, bitsAt = ifdAt + 2 + nTags * 12 + 4, dataAt = bitsAt + 8;
  tags.push([256, 3, 1, width], [257, 3, 1, height], [258, 3, 4, bitsAt], [259, 3, 1, 1], [262, 3, 1, 2], [273, 4, 1, dataAt],
    [277, 3, 1, 4], [278, 3, 1, height], [279, 4, 1, pixels.length], [284, 3, 1, 1], [338, 3, 1, 2]);
  const buf = Buffer.alloc(dataAt + pixels.length);
  buf.write('II', 0, 'latin1'); buf.writeUInt16LE(42, 2); buf.writeUInt32LE(ifdAt, 4);
  buf.writeUInt16LE(nTags, ifdAt);
  tags.forEach(([tag, type, count, value], k) => {
    const at = ifdAt + 2 + k * 12;
    buf.writeUInt16LE(tag, at); buf.writeUInt16LE(type, at + 2); buf.writeUInt32LE(count, at + 4);
    if (type === 3 && count === 1) buf.writeUInt16LE(value, at + 8); else buf.writeUInt32LE(value, at + 8);
  });
  for (let i = 0; i < 4; i++) buf.writeUInt16LE(8, bitsAt + 2 * i);
  Buffer.from(pixels).copy(buf, dataAt);
  return new Uint8Array(buf);
}

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

  it('RGBA files read as four channels (never z) and alpha does not feed the features by default', async () => {
    const png = await openImageBytes(encodePngRaw({ width: 32, height: 30, data: new Uint8Array(32 * 30 * 4).fill(7), channels: 4, depth: 8 }), 'rgba.png');
    const tif = await openImageBytes(rgbaTiff(32, 30, new Uint8Array(32 * 30 * 4).fill(9)), 'rgba.tif');
    for (const image of [png, tif]) {
      expect(image.info.shape).toMatchObject({ z: 1, c: 4 });
      expect(imageChannels(image.info)).toEqual({ names: ['Red', 'Green', 'Blue', 'Alpha'], alpha: 3 });
      const selection = selectionForImage(selectionDefaultLight(), featureImageOf(image.info.name, image.info));
      expect(selection.featureChannels).toEqual([0, 1, 2]);
      await image.close();
    }
  });
});
