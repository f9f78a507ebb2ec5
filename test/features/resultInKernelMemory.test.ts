/**
 * computeFeatureBlock's `resultInKernelMemory` (issue #18): the features returned as a view of the thread's
 * WebAssembly kernel memory, most channels written there in place by the kernels, equal the features written into a
 * separate result bit for bit, in 2D and 3D; requests the option cannot serve fall back to an allocated result.
 */
import { describe, expect, it } from 'vitest';
import type { Box } from '../../extension/core/features/box';
import { computeFeatureBlock, FeatureScratch, requiredSourceBox } from '../../extension/core/features/computeFeatureBlock';
import { existingWasmFeatureKernels } from '../../extension/core/features/wasmFeatureKernels';
import { selectionAll, selectionDefaultLight } from '../../extension/core/features/featureSet';
import { crop, noise } from './volumeFixtures';

function sameBits(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) if (!Object.is(actual[i], expected[i])) throw new Error(`value ${i}: ${actual[i]} vs ${expected[i]}`);
}

function request(image: { z: number; y: number; x: number }, target: Box, selection = selectionAll()) {
  const volume = noise(image.z * image.y * image.x, 5);
  const sourceBox = requiredSourceBox(target, image, selection);
  return { selection, image, source: crop(volume, image, sourceBox), sourceBox, target };
}

describe('computeFeatureBlock with the result in kernel memory', () => {
  // Rows of a multiple of 4 are written in place by the kernels; other rows are computed aside and copied in (a
  // kernel's last vector of a row would spill into the next channel).
  for (const nx of [36, 37]) {
    it(`2D, rows of ${nx}: a view of the kernels' memory holding the same features as a separate result`, () => {
      const r = request({ z: 1, y: 70, x: 53 }, { z0: 0, y0: 11, x0: 6, nz: 1, ny: 29, nx });
      const scratch = new FeatureScratch();
      const expected = computeFeatureBlock({ ...r, scratch });
      const inPlace = computeFeatureBlock({ ...r, scratch, resultInKernelMemory: true });
      expect(inPlace.buffer).toBe(existingWasmFeatureKernels()!.memory.buffer);
      sameBits(inPlace, expected);
    });
  }

  it('3D, and the next block on the thread computes correctly after it', () => {
    const scratch = new FeatureScratch();
    const a = request({ z: 14, y: 18, x: 16 }, { z0: 3, y0: 2, x0: 1, nz: 6, ny: 12, nx: 12 }, selectionDefaultLight());
    const b = request({ z: 1, y: 40, x: 40 }, { z0: 0, y0: 0, x0: 0, nz: 1, ny: 40, nx: 40 });
    const expectedA = computeFeatureBlock({ ...a, scratch });
    const expectedB = computeFeatureBlock({ ...b, scratch });
    sameBits(computeFeatureBlock({ ...a, scratch, resultInKernelMemory: true }), expectedA);
    sameBits(computeFeatureBlock({ ...b, scratch, resultInKernelMemory: true }), expectedB);
  });

  it('falls back to an allocated result for a larger result box, and on the TypeScript path', () => {
    const r = request({ z: 1, y: 50, x: 50 }, { z0: 0, y0: 10, x0: 10, nz: 1, ny: 20, nx: 20 });
    const resultBox = { z0: 0, y0: 5, x0: 5, nz: 1, ny: 30, nx: 30 };
    const wide = computeFeatureBlock({ ...r, resultBox, resultInKernelMemory: true });
    expect(wide.buffer).not.toBe(existingWasmFeatureKernels()?.memory.buffer);
    sameBits(wide, computeFeatureBlock({ ...r, resultBox }));
    const typescript = new FeatureScratch({ wasm: false });
    const ts = computeFeatureBlock({ ...r, scratch: typescript, resultInKernelMemory: true });
    expect(ts.buffer).not.toBe(existingWasmFeatureKernels()?.memory.buffer);
    sameBits(ts, computeFeatureBlock({ ...r, scratch: typescript }));
  });
});
