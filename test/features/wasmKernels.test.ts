/**
 * The WebAssembly SIMD path (extension/wasm/featureKernels.ts, used through FeatureScratch's arena) against
 * the TypeScript path (FeatureScratch({ wasm: false })): every filter pass, combination and 2×2 eigenvalue
 * bit for bit; the 3×3 eigenvalues (polynomial arccos/cos) within 1e-7 of max|ev|; block == whole on the
 * WebAssembly path with odd sizes (padded SIMD tails) and on the TypeScript path.
 */
import { describe, expect, it } from 'vitest';
import { computeFeatureBlock, computeFeatures, FeatureScratch, requiredSourceBox } from '../../extension/core/features/computeFeatureBlock';
import { boxVolume, splitBox, wholeBox } from '../../extension/core/features/box';
import { featureChannels, selectionAll, selectionDefaultLight, type FeatureVariant } from '../../extension/core/features/featureSet';
import { symmetricEigenvalues3 } from '../../extension/core/features/symmetricEigenvalues';
import { wasmFeatureKernels } from '../../extension/core/features/wasmFeatureKernels';
import { crop, noise } from './volumeFixtures';


const wasmScratch = (): FeatureScratch => new FeatureScratch();
const jsScratch = (): FeatureScratch => new FeatureScratch({ wasm: false });

/** Compares both paths channel by channel; eigenvalue channels of 3×3 tensors with a relative tolerance. */
function compare(image: { z: number; y: number; x: number }, variant: FeatureVariant, selection = selectionAll(), nInput = 1): void {
  const vol = image.z * image.y * image.x;
  const volume = noise(nInput * vol, 7);
  const a = computeFeatures(volume, image, selection, { variant, nInputChannels: nInput, scratch: wasmScratch() });
  const b = computeFeatures(volume, image, selection, { variant, nInputChannels: nInput, scratch: jsScratch() });
  const channels = featureChannels(selection, nInput, image.z > 1);
  expect(a.length).toBe(b.length);
  let i = 0;
  while (i < channels.length) {
    const ch = channels[i];
    const nComp = ch.featureId.endsWith('Eigenvalues') ? (ch.in2D || image.z === 1 ? 2 : 3) : 1;
    if (nComp === 3) {
      for (let e = 0; e < vol; e++) {
        let scale = 1;
        for (let k = 0; k < 3; k++) scale = Math.max(scale, Math.abs(b[(i + k) * vol + e]));
        for (let k = 0; k < 3; k++) {
          const d = Math.abs(a[(i + k) * vol + e] - b[(i + k) * vol + e]);
          if (!(d <= 1e-6 * scale)) throw new Error(`${channels[i + k].name} voxel ${e}: ${a[(i + k) * vol + e]} vs ${b[(i + k) * vol + e]}`);
        }
      }
    } else {
      for (let k = 0; k < nComp; k++) {
        for (let e = 0; e < vol; e++) {
          const p = a[(i + k) * vol + e], q = b[(i + k) * vol + e];
          if (!Object.is(p, q)) throw new Error(`${channels[i + k].name} voxel ${e}: ${p} vs ${q}`);
        }
      }
    }
    i += nComp;
  }
}

describe('WebAssembly feature kernels', () => {
  it('are available in this runtime (SIMD)', () => {
    expect(wasmFeatureKernels()).not.toBeNull();
    expect(new FeatureScratch().usesWasm).toBe(true);
    expect(new FeatureScratch({ wasm: false }).usesWasm).toBe(false);
  });

  for (const variant of ['ilastik', 'direct'] as FeatureVariant[]) {
    it(`2D ${variant}, odd sizes: identical to the TypeScript path`, () => compare({ z: 1, y: 53, x: 67 }, variant));
  }
  it('3D ilastik, odd sizes, 2 input channels, one scale in 2D: identical (3×3 eigenvalues within 1e-6)', () => {
    const selection = selectionDefaultLight();
    selection.scales[3].in2D = true;
    compare({ z: 19, y: 23, x: 25 }, 'ilastik', selection, 2);
  });
  it('3D direct, all 61 channels: identical (3×3 eigenvalues within 1e-6)', () => compare({ z: 37, y: 38, x: 39 }, 'direct'));

  for (const wasm of [true, false]) {
    it(`block with halo == whole image on the ${wasm ? 'WebAssembly' : 'TypeScript'} path (3D, odd blocks)`, () => {
      const image = { z: 22, y: 25, x: 29 };
      const vol = boxVolume(wholeBox(image));
      const volume = noise(vol, 5);
      const selection = selectionDefaultLight();
      const scratch = new FeatureScratch({ wasm });
      const whole = computeFeatures(volume, image, selection, { scratch });
      const nch = featureChannels(selection, 1, true).length;
      for (const target of splitBox(wholeBox(image), { z: 9, y: 11, x: 7 }).filter((_, k) => k % 3 === 0)) {
        const sourceBox = requiredSourceBox(target, image, selection);
        const block = computeFeatureBlock({ selection, image, source: crop(volume, image, sourceBox), sourceBox, target, scratch });
        const tv = boxVolume(target);
        for (let c = 0; c < nch; c++) for (let z = 0; z < target.nz; z++) for (let y = 0; y < target.ny; y++) for (let x = 0; x < target.nx; x++) {
          const p = block[c * tv + (z * target.ny + y) * target.nx + x];
          const q = whole[c * vol + ((target.z0 + z) * image.y + target.y0 + y) * image.x + target.x0 + x];
          if (!Object.is(p, q)) throw new Error(`channel ${c} block ${JSON.stringify(target)} (${z},${y},${x}): ${p} vs ${q}`);
        }
      }
    });
  }

  it('3×3 eigenvalues: special matrices and random tensors against the float64 reference', () => {
    // Drive the kernel through a 1×1×N "block" of six tensor planes.
    const w = wasmFeatureKernels()!;
    const mats: number[][] = [
      [-7, 0, 0, 2, 0, 1], [2, 1, 0, 2, 0, 3], [4, 4, 4, 4, 4, 4], [5, 0, 0, 5, 0, 5], [0, 0, 0, 0, 0, 0],
      [1, 1e-6, 0, 1, 0, 1], [1e-3, 2e-3, -1e-3, 5e-4, 0, -2e-3], [3e4, -1e4, 2e4, -5e3, 7e3, 1e4],
    ];
    let seed = 9;
    const rnd = (): number => { seed = (seed * 16807) % 2147483647; return seed / 2147483647 * 2e3 - 1e3; };
    for (let k = 0; k < 993; k++) mats.push([rnd(), rnd(), rnd(), rnd(), rnd(), rnd()].map((v) => Math.fround(v)));
    const n = mats.length;
    const scratch = new FeatureScratch();
    expect(scratch.beginBlock(4 * 16 * (n + 8))).toBe(true);
    const planes = Array.from({ length: 6 }, () => scratch.acquire(n));
    const outs = Array.from({ length: 3 }, () => scratch.acquire(n));
    mats.forEach((m, e) => m.forEach((v, k) => { planes[k][e] = v; }));
    w.eigen3(planes, { e0: 0, rowStride: n, sliceStride: n }, { z0: 0, y0: 0, x0: 0, nz: 1, ny: 1, nx: n }, outs);
    const ref = new Float64Array(3);
    for (let e = 0; e < n; e++) {
      const m = planes.map((p) => p[e]);
      symmetricEigenvalues3(m[0], m[1], m[2], m[3], m[4], m[5], ref);
      const scale = Math.max(Math.abs(ref[0]), Math.abs(ref[2]), Number.MIN_VALUE);
      expect(outs[0][e]).toBeGreaterThanOrEqual(outs[1][e]);
      expect(outs[1][e]).toBeGreaterThanOrEqual(outs[2][e]);
      for (let k = 0; k < 3; k++) {
        if (!(Math.abs(outs[k][e] - Math.fround(ref[k])) <= 1e-6 * scale)) throw new Error(`matrix ${mats[e]}: ${outs[k][e]} vs ${ref[k]}`);
      }
    }
    // Diagonal matrices are exact.
    expect([outs[0][0], outs[1][0], outs[2][0]]).toEqual([2, 1, -7]);
    expect([outs[0][3], outs[1][3], outs[2][3]]).toEqual([5, 5, 5]);
    expect([outs[0][4], outs[1][4], outs[2][4]]).toEqual([0, 0, 0]);
  });

  it('clear() drops the kernel instance; the next block gets a fresh one and the same values', () => {
    const image = { z: 1, y: 40, x: 45 };
    const volume = noise(40 * 45, 2);
    const scratch = new FeatureScratch();
    const before = computeFeatures(volume, image, selectionDefaultLight(), { scratch });
    const first = wasmFeatureKernels();
    expect(scratch.bytes).toBeGreaterThan(0);
    scratch.clear();
    expect(scratch.bytes).toBe(0);
    const after = computeFeatures(volume, image, selectionDefaultLight(), { scratch });
    expect(wasmFeatureKernels()).not.toBe(first);
    expect(Buffer.from(after.buffer).equals(Buffer.from(before.buffer))).toBe(true);
  });

  it('a block abandoned by cancellation leaves the scratch usable (next block identical)', () => {
    const image = { z: 1, y: 50, x: 60 };
    const volume = noise(50 * 60, 8);
    const box = wholeBox(image);
    const scratch = new FeatureScratch();
    const reference = computeFeatures(volume, image, selectionAll(), { scratch: jsScratch() });
    let calls = 0;
    expect(() => computeFeatureBlock({
      selection: selectionAll(), image, source: volume, sourceBox: box, target: box, scratch,
      checkCancelled: () => { if (++calls === 3) throw new Error('cancelled'); },
    })).toThrow('cancelled');
    const again = computeFeatures(volume, image, selectionAll(), { scratch });
    expect(Buffer.from(again.buffer).equals(Buffer.from(reference.buffer))).toBe(true);
  });

  it('the arena restarts between scales and falls back to heap buffers when exhausted', () => {
    const scratch = new FeatureScratch();
    expect(scratch.beginBlock(4096)).toBe(true);
    const a = scratch.acquire(100);
    expect(wasmFeatureKernels()!.owns(a)).toBe(true);
    const big = scratch.acquire(100_000); // does not fit the 4 KiB reservation
    expect(wasmFeatureKernels()!.owns(big)).toBe(false);
    scratch.release(a);
    scratch.release(big);
    const again = scratch.acquire(100); // nothing in use: the arena restarted at its base
    expect(again.byteOffset).toBe(a.byteOffset);
    scratch.release(again);
  });
});
