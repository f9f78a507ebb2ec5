import { describe, expect, it } from 'vitest';
import { checkBloscHeader, checkZstdFrames, decodedBound } from '../../extension/core/image/zarrCodecs';

async function zstd(bytes: Uint8Array): Promise<Uint8Array> {
  return (await import('numcodecs/zstd')).default.fromConfig({ level: 3, id: 'zstd' } as never).encode(bytes);
}

describe('bounded Zarr codecs', () => {
  it('decodedBound: elements × sample size', () => {
    expect(decodedBound({ dataType: 'uint16', shape: [3, 4] })).toBe(24);
    expect(decodedBound({ dataType: 'float64', shape: [2] })).toBe(16);
  });

  it('zstd: whole frames pass; a truncated frame, trailing bytes or a too-large content size are refused before decoding', async () => {
    const frame = await zstd(new Uint8Array(64).map((_, i) => i));
    expect(() => checkZstdFrames(frame, 64)).not.toThrow();
    const two = new Uint8Array([...frame, ...frame]);
    expect(() => checkZstdFrames(two, 128)).not.toThrow();
    // numcodecs' decoder spins forever on this one (a complete frame followed by the start of another).
    expect(() => checkZstdFrames(new Uint8Array([...frame, 0x28, 0xb5]), 128)).toThrow(/truncated/);
    expect(() => checkZstdFrames(frame.subarray(0, frame.length - 2), 64)).toThrow(/truncated/);
    expect(() => checkZstdFrames(new Uint8Array([...frame, 1, 2, 3, 4]), 128)).toThrow(/unexpected bytes after the zstd frame/);
    expect(() => checkZstdFrames(frame, 63)).toThrow(/claims 64 bytes, more than the chunk's 63/);
    expect(() => checkZstdFrames(new Uint8Array([1, 2, 3, 4, 5, 6]), 64)).toThrow(/bad magic/);
  });

  it('blosc: the header must fit the chunk and the data', () => {
    const header = new Uint8Array(16);
    const view = new DataView(header.buffer);
    view.setUint32(4, 100, true);
    view.setUint32(12, 16, true);
    expect(() => checkBloscHeader(header, 100)).not.toThrow();
    expect(() => checkBloscHeader(header, 99)).toThrow(/claims 100 bytes, more than the chunk's 99/);
    view.setUint32(12, 17, true);
    expect(() => checkBloscHeader(header, 100)).toThrow(/17 compressed bytes, but the chunk has 16/);
    expect(() => checkBloscHeader(header.subarray(0, 8), 100)).toThrow(/shorter than its 16-byte header/);
  });
});
