/**
 * computeFeatureBlock's plane sink (issue #18): every output channel handed over as a contiguous target plane
 * equals the same channel written into a result volume, bit for bit, on both kernel paths, for targets whose rows
 * span the whole read box (no gather) and for inner targets (gathered), in 2D and 3D.
 */
import { describe, expect, it } from 'vitest';
import { boxVolume, type Box } from '../../extension/core/features/box';
import { computeFeatureBlock, featureChannelCount, FeatureScratch, requiredSourceBox } from '../../extension/core/features/computeFeatureBlock';
import { selectionAll, selectionDefaultLight } from '../../extension/core/features/featureSet';
import { crop, noise } from './volumeFixtures';

function compare(image: { z: number; y: number; x: number }, target: Box, wasm: boolean, selection = selectionAll()): void {
  const volume = noise(image.z * image.y * image.x, 3);
  const sourceBox = requiredSourceBox(target, image, selection);
  const source = crop(volume, image, sourceBox);
  const scratch = new FeatureScratch({ wasm });
  const expected = computeFeatureBlock({ selection, image, source, sourceBox, target, scratch });
  const n = featureChannelCount(selection, 1, image.z > 1), tv = boxVolume(target);
  const seen = new Set<number>();
  const returned = computeFeatureBlock({
    selection, image, source, sourceBox, target, scratch,
    sink: (channel, plane) => {
      expect(plane.length).toBe(tv);
      expect(seen.has(channel)).toBe(false);
      seen.add(channel);
      const want = expected.subarray(channel * tv, (channel + 1) * tv);
      for (let i = 0; i < tv; i++) if (!Object.is(plane[i], want[i])) throw new Error(`channel ${channel} pixel ${i}: ${plane[i]} vs ${want[i]}`);
    },
  });
  expect(returned.length).toBe(0);
  expect(seen.size).toBe(n);
}

describe('computeFeatureBlock with a plane sink', () => {
  for (const wasm of [true, false]) {
    const path = wasm ? 'WebAssembly' : 'TypeScript';
    it(`2D band of whole rows and an inner block: the same planes as the result volume (${path})`, () => {
      const image = { z: 1, y: 61, x: 47 };
      compare(image, { z0: 0, y0: 17, x0: 0, nz: 1, ny: 13, nx: 47 }, wasm);
      compare(image, { z0: 0, y0: 9, x0: 5, nz: 1, ny: 21, nx: 30 }, wasm);
    });
    it(`3D slab of whole slices and an inner block (${path})`, () => {
      const image = { z: 15, y: 19, x: 17 };
      compare(image, { z0: 4, y0: 0, x0: 0, nz: 5, ny: 19, nx: 17 }, wasm, selectionDefaultLight());
      compare(image, { z0: 3, y0: 2, x0: 0, nz: 6, ny: 11, nx: 17 }, wasm, selectionDefaultLight());
    });
  }
});
