/** Issue #7 follow-up: geotiff's raw error texts never reach users; they become plain "corrupt TIFF: …" reasons. */
import { describe, expect, it } from 'vitest';
import { memoryByteSource, type ByteSource } from '../../extension/core/image/byteSource';
import { ImageError } from '../../extension/core/image/imageModel';
import { openTiff, plainTiffReason } from '../../extension/core/image/tiffSource';
import { buildTiff } from '../image/tiffBuilder';

const SAFE_INT = 'Value 18446744073709551615 exceeds MAX_SAFE_INTEGER. Precision may be lost. Please report if you get this message to https://github.com/geotiff/geotiff.js/issues';

describe('plainTiffReason', () => {
  it('maps geotiff / DataView texts to plain reasons', () => {
    expect(plainTiffReason(SAFE_INT)).toBe("corrupt TIFF: a value exceeds the file's addressable range");
    expect(plainTiffReason('Offset is outside the bounds of the DataView')).toBe('corrupt TIFF: an offset points outside the file');
    expect(plainTiffReason('unsupported compression 5')).toBeUndefined();
  });
});

describe('openTiff error wording', () => {
  const good = buildTiff([{ width: 4, height: 3, bits: 8, sampleFormat: 1, data: new Uint8Array(12), compression: 1, predictor: 1, rowsPerStrip: 3 }], { littleEndian: true });

  for (const [raw, reason] of [
    ['Offset is outside the bounds of the DataView', 'corrupt TIFF: an offset points outside the file'],
    [SAFE_INT, "corrupt TIFF: a value exceeds the file's addressable range"],
  ] as const) {
    it(`"${raw.slice(0, 30)}…" becomes ImageError(file, "${reason}")`, async () => {
      const inner = memoryByteSource(good);
      const source: ByteSource = { ...inner, size: inner.size, read: () => Promise.reject(new RangeError(raw)) };
      const error = await openTiff(source, 'bad.tif').then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(ImageError);
      expect((error as ImageError).fileName).toBe('bad.tif');
      expect((error as ImageError).message).toBe(`bad.tif: ${reason}`);
    });
  }
});
