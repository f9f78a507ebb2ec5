/** The TIFF reader's sanity limits (extension/core/image/tiffValidation.ts), on hand-made page fields. */
import { describe, expect, it } from 'vitest';
import { checkBlocks, checkFirstPage, checkStoredBytes, virtualPlaneBytes } from '../../extension/core/image/tiffValidation';
import type { TiffPage } from '../../extension/core/image/tiffTags';
import type { TiffAxisLayout } from '../../extension/core/image/tiffAxes';

const fail = (reason: string): never => { throw new Error(reason); };

function page(fields: Partial<TiffPage> = {}): TiffPage {
  return {
    width: 10, height: 4, samplesPerPixel: 1, bitsPerSample: 16, sampleFormat: 1, compression: 1, predictor: 1,
    planar: 1, photometric: 1, fillOrder: 1, tiled: false, blockWidth: 10, blockHeight: 2,
    offsets: [100, 140], counts: [40, 40], ...fields,
  };
}

describe('checkFirstPage', () => {
  it('gives the output sample type of a supported page', () => {
    expect(checkFirstPage(page(), 1 << 20, fail)).toBe('uint16');
    expect(checkFirstPage(page({ bitsPerSample: 16, sampleFormat: 3 }), 1 << 20, fail)).toBe('float32');
  });

  it.each([
    [{ width: 0 }, 'image has zero size (0×4)'],
    [{ sampleFormat: 6 }, 'unsupported sample format: 16-bit complex float samples'],
    [{ compression: 34887 }, 'unsupported compression LERC (34887)'],
    [{ predictor: 3 }, 'floating-point predictor on integer samples'],
    [{ tiled: true, blockWidth: 0 }, 'invalid tile size 0×2'],
  ])('refuses %j', (fields, reason) => {
    expect(() => checkFirstPage(page(fields), 1 << 20, fail)).toThrow(reason);
  });

  it('refuses a plane over the memory limit before anything is allocated', () => {
    expect(() => checkFirstPage(page({ width: 1024, height: 1024 }), 1 << 20, fail))
      .toThrow('one 1024×1024 plane needs 4 MiB as float32, over the memory limit of 1 MiB');
  });
});

describe('blocks and stored bytes', () => {
  it('every block must be listed and inside the file', () => {
    expect(() => checkBlocks(page(), 0, 180, fail)).not.toThrow();
    expect(() => checkBlocks(page({ offsets: [100], counts: [40] }), 3, 180, fail)).toThrow('page 3 lists 1 strips but needs 2');
    expect(() => checkBlocks(page(), 0, 179, fail)).toThrow('truncated: page 0 strip 1 ends at byte 180 but the file has 179 bytes');
  });

  it('uncompressed strips must hold the declared pixels', () => {
    expect(() => checkStoredBytes(page(), fail)).not.toThrow();
    expect(() => checkStoredBytes(page({ counts: [40, 39] }), fail)).toThrow('truncated or corrupt: page 0 declares 80 bytes of pixels but its strips hold only 79');
  });

  it('virtual planes of a truncated ImageJ file lie contiguously after page 0', () => {
    const layout = (pagesNeeded: number, kind: TiffAxisLayout['kind'] = 'imagej') => ({ pagesNeeded, kind }) as TiffAxisLayout;
    expect(virtualPlaneBytes(page(), layout(1), 1, 180, fail)).toBe(0);
    expect(virtualPlaneBytes(page(), layout(3), 1, 340, fail)).toBe(80);
    expect(() => virtualPlaneBytes(page(), layout(3), 1, 339, fail)).toThrow('truncated: 3 contiguous planes need 340 bytes but the file has 339');
    expect(() => virtualPlaneBytes(page(), layout(3, 'ome'), 1, 340, fail)).toThrow('the OME-XML declares 3 planes but the file has only 1 pages');
  });
});
