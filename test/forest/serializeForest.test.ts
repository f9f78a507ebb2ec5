import { describe, expect, it } from 'vitest';
import {
  crc32, deserializeForest, FOREST_FORMAT_VERSION, ForestFormatError, predictProbabilities, serializeForest, trainForest,
} from '../../extension/core/forest/index';

function smallForest() {
  const n = 120;
  const X = new Float32Array(n * 3);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    X[3 * i] = i % 7; X[3 * i + 1] = (i * 37) % 11; X[3 * i + 2] = i / n;
    y[i] = 1 + (i % 3 === 0 ? 1 : 0) + (i > 90 ? 1 : 0);
  }
  return { forest: trainForest(X, y, 3, { nClasses: 3, nTrees: 6, seed: 2 }), X, n };
}

/** Recomputes the trailing checksum so a test can corrupt the body without tripping the CRC check. */
function fixCrc(bytes: Uint8Array): Uint8Array {
  new DataView(bytes.buffer).setUint32(bytes.length - 4, crc32(bytes, 0, bytes.length - 4), true);
  return bytes;
}

describe('serializeForest / deserializeForest', () => {
  it('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('round-trips to identical bytes and identical predictions', () => {
    const { forest, X, n } = smallForest();
    const bytes = serializeForest(forest);
    expect(Array.from(bytes.subarray(0, 4), (b) => String.fromCharCode(b)).join('')).toBe('PXRF');
    const back = deserializeForest(bytes);
    expect(Buffer.from(serializeForest(back)).equals(Buffer.from(bytes))).toBe(true);
    expect(back.oobError).toBe(forest.oobError);
    expect(back.settings).toEqual(forest.settings);
    const features = new Float32Array(X.length);
    for (let i = 0; i < n; i++) for (let f = 0; f < 3; f++) features[f * n + i] = X[3 * i + f];
    expect(predictProbabilities(back, features, n)).toEqual(predictProbabilities(forest, features, n));
  });

  it('reads from an unaligned view', () => {
    const bytes = serializeForest(smallForest().forest);
    const padded = new Uint8Array(bytes.length + 1);
    padded.set(bytes, 1);
    expect(deserializeForest(padded.subarray(1)).trees).toHaveLength(6);
  });

  it('rejects corrupt bytes with clear errors', () => {
    const bytes = serializeForest(smallForest().forest);
    expect(() => deserializeForest(new Uint8Array(10), 'm.bin')).toThrow(/m.bin: only 10 bytes/);
    const magic = bytes.slice(); magic[0] = 0;
    expect(() => deserializeForest(magic)).toThrow(/bad magic number/);
    const version = bytes.slice(); version[4] = FOREST_FORMAT_VERSION + 1;
    expect(() => deserializeForest(version)).toThrow(/version 2 is not supported/);
    const flipped = bytes.slice(); flipped[200] ^= 0x10;
    expect(() => deserializeForest(flipped)).toThrow(/checksum mismatch/);
    expect(() => deserializeForest(bytes.slice(0, bytes.length - 8))).toThrow(ForestFormatError);
    // structurally bad node with a valid checksum: first tree's root points to itself
    const cyclic = bytes.slice();
    const firstTree = 60 + 4 * 3 + 12;
    new DataView(cyclic.buffer).setInt32(firstTree, 0, true);
    expect(() => deserializeForest(fixCrc(cyclic))).toThrow(/tree 0: node 0 points to children 0, 1/);
    const extra = new Uint8Array(bytes.length + 4);
    extra.set(bytes.subarray(0, bytes.length - 4));
    expect(() => deserializeForest(fixCrc(extra))).toThrow(/4 unexpected bytes/);
  });
});
