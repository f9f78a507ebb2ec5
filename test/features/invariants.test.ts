/** Invariants in the ilastik style: tiled == whole, constants, rotations, 2D-per-slice == "in 2D". */
import { describe, expect, it } from 'vitest';
import { computeFeatureBlock, computeFeatures, featureHaloZYX, requiredSourceBox, FeatureScaleError, fallBackTo2D, findScaleProblems } from '../../extension/core/features/computeFeatureBlock';
import { splitBox, wholeBox } from '../../extension/core/features/box';
import { featureChannels, featureHalo, selectionAll, selectionDefaultLight, type FeatureVariant } from '../../extension/core/features/featureSet';
import { crop, noise } from './volumeFixtures';


describe('block with halo == whole image (bit for bit)', () => {
  for (const variant of ['ilastik', 'direct'] as FeatureVariant[]) {
    it(`2D, all 49 channels, ${variant}, blocks cropped to target + halo`, () => {
      const image = { z: 1, y: 90, x: 101 };
      const volume = noise(90 * 101);
      const whole = computeFeatures(volume, image, selectionAll(), { variant });
      const vol = 90 * 101;
      for (const target of splitBox(wholeBox(image), { z: 1, y: 37, x: 29 })) {
        const sourceBox = requiredSourceBox(target, image, selectionAll(), variant);
        const block = computeFeatureBlock({ selection: selectionAll(), variant, image, source: crop(volume, image, sourceBox), sourceBox, target });
        const tv = target.ny * target.nx;
        for (let c = 0; c < 49; c++) {
          for (let y = 0; y < target.ny; y++) for (let x = 0; x < target.nx; x++) {
            const a = block[c * tv + y * target.nx + x], b = whole[c * vol + (target.y0 + y) * image.x + target.x0 + x];
            if (a !== b) throw new Error(`${variant} channel ${c} block ${JSON.stringify(target)} y=${y} x=${x}: ${a} vs ${b}`);
          }
        }
      }
    });
  }

  it('3D with mixed 2D/3D scales, 2 input channels, a small interior block', () => {
    const image = { z: 30, y: 34, x: 31 };
    const vol = 30 * 34 * 31;
    const volume = noise(2 * vol, 11);
    const selection = selectionDefaultLight();
    selection.scales[4].in2D = true; // σ = 3.5 slice by slice
    const whole = computeFeatures(volume, image, selection, { nInputChannels: 2 });
    const target = { z0: 13, y0: 9, x0: 14, nz: 4, ny: 6, nx: 5 };
    const sourceBox = requiredSourceBox(target, image, selection);
    const source = new Float32Array(2 * sourceBox.nz * sourceBox.ny * sourceBox.nx);
    source.set(crop(volume.subarray(0, vol), image, sourceBox), 0);
    source.set(crop(volume.subarray(vol), image, sourceBox), source.length / 2);
    const block = computeFeatureBlock({ selection, image, nInputChannels: 2, source, sourceBox, target });
    const nch = featureChannels(selection, 2, true).length;
    for (let c = 0; c < nch; c++) for (let z = 0; z < 4; z++) for (let y = 0; y < 6; y++) for (let x = 0; x < 5; x++) {
      expect(block[((c * 4 + z) * 6 + y) * 5 + x]).toBe(whole[c * vol + ((13 + z) * 34 + 9 + y) * 31 + 14 + x]);
    }
  });

  it('refuses a source box that misses part of the halo', () => {
    const image = { z: 1, y: 100, x: 100 };
    const target = { z0: 0, y0: 40, x0: 40, nz: 1, ny: 10, nx: 10 };
    const sourceBox = { z0: 0, y0: 30, x0: 30, nz: 1, ny: 30, nx: 30 };
    expect(() => computeFeatureBlock({ selection: selectionAll(), image, source: new Float32Array(900), sourceBox, target }))
      .toThrow(/does not cover the target plus its halo/);
  });

  it('the exact halo never exceeds the contract halo 3 + ceil(3.5 σmax) for the ilastik pipeline', () => {
    const h = featureHaloZYX(selectionAll(), 'ilastik', true);
    expect(Math.max(h.z, h.y, h.x)).toBeLessThanOrEqual(featureHalo(selectionAll()));
    expect(featureHalo(selectionAll())).toBe(38);
    expect(featureHaloZYX(selectionAll(), 'ilastik', false).z).toBe(0);
  });
});

describe('constant image', () => {
  it('smoothing keeps the constant; every derivative feature is 0 (2D and 3D, both variants)', () => {
    for (const image of [{ z: 1, y: 80, x: 77 }, { z: 40, y: 38, x: 39 }]) {
      for (const variant of ['ilastik', 'direct'] as FeatureVariant[]) {
        const n = image.z * image.y * image.x;
        const out = computeFeatures(new Float32Array(n).fill(42.5), image, selectionAll(), { variant });
        featureChannels(selectionAll(), 1, image.z > 1).forEach((ch, c) => {
          const want = ch.featureId === 'GaussianSmoothing' ? 42.5 : 0;
          for (let i = 0; i < n; i += 7) {
            if (Math.abs(out[c * n + i] - want) > 1e-4) throw new Error(`${variant} ${ch.name} at ${i}: ${out[c * n + i]}`);
          }
        });
      }
    }
  });
});

describe('90° rotation', () => {
  it('rotating a 2D image rotates every feature (eigenvalues and magnitudes are rotation invariant)', () => {
    const h = 61, w = 53;
    const image = { z: 1, y: h, x: w };
    const a = noise(h * w, 5);
    // rot(y, x) = a(x, w-1-y)... rotate 90° counter-clockwise: new image is w×h with b[y'][x'] = a[x'][w-1-y'].
    const b = new Float32Array(h * w);
    for (let y = 0; y < w; y++) for (let x = 0; x < h; x++) b[y * h + x] = a[x * w + (w - 1 - y)];
    const fa = computeFeatures(a, image, selectionAll());
    const fb = computeFeatures(b, { z: 1, y: w, x: h }, selectionAll());
    featureChannels(selectionAll(), 1, false).forEach((ch, c) => {
      let worst = 0, range = 1;
      for (let i = 0; i < h * w; i++) range = Math.max(range, Math.abs(fa[c * h * w + i]));
      for (let y = 0; y < w; y++) for (let x = 0; x < h; x++) {
        const got = fb[c * h * w + y * h + x], want = fa[c * h * w + x * w + (w - 1 - y)];
        worst = Math.max(worst, Math.abs(got - want) / Math.max(range, 255));
      }
      // Only the pass order (x then y) differs, i.e. float32 rounding of the intermediates: a few ulps
      // of the larger of the channel range and the input range (255; DoG/LoG cancel large values).
      // A wrong axis, sign or eigenvalue order would be off by a sizeable fraction of the range.
      expect(worst, ch.name).toBeLessThan(1e-6);
    });
  });

  it('a first-derivative response flips sign when the image is mirrored (odd kernels are exactly antisymmetric)', () => {
    const image = { z: 1, y: 40, x: 40 };
    const a = noise(40 * 40, 9);
    const m = new Float32Array(a.length);
    for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) m[y * 40 + x] = a[y * 40 + 39 - x];
    const sel = selectionAll();
    const fa = computeFeatures(a, image, sel), fm = computeFeatures(m, image, sel);
    // Gradient magnitude is mirror invariant bit for bit.
    const c = featureChannels(sel, 1, false).findIndex((ch) => ch.featureId === 'GaussianGradientMagnitude' && ch.sigma === 1);
    for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) expect(fm[c * 1600 + y * 40 + x]).toBe(fa[c * 1600 + y * 40 + 39 - x]);
  });
});

describe('2D on each slice == "compute in 2D" on a stack', () => {
  it('every channel of each slice equals the 2D computation of that slice alone', () => {
    const image = { z: 5, y: 44, x: 47 };
    const plane = 44 * 47;
    const volume = noise(5 * plane, 21);
    const selection = selectionAll();
    for (const s of selection.scales) s.in2D = true;
    const stack = computeFeatures(volume, image, selection);
    const channels = featureChannels(selection, 1, true);
    expect(channels.length).toBe(49);
    expect(channels[0].name).toBe('Gaussian Smoothing (σ=0.3) in 2D');
    for (let z = 0; z < 5; z++) {
      const slice = computeFeatures(volume.slice(z * plane, (z + 1) * plane), { z: 1, y: 44, x: 47 }, selectionAll());
      for (let c = 0; c < 49; c++) {
        for (let i = 0; i < plane; i++) {
          if (stack[(c * 5 + z) * plane + i] !== slice[c * plane + i]) throw new Error(`slice ${z} channel ${c} pixel ${i}`);
        }
      }
    }
  });
});

describe('scales too large for the image', () => {
  it('names the scale and the axis', () => {
    const image = { z: 16, y: 40, x: 40 };
    const problems = findScaleProblems(selectionAll(), image, 'direct');
    expect(problems.map((p) => `${p.sigma}/${p.axis}`)).toEqual(['5/z', '10/z', '10/y', '10/x'].filter((k) => problems.some((p) => `${p.sigma}/${p.axis}` === k)));
    expect(problems[0].message).toMatch(/σ=5\.0 is too large for this image along z: its kernel radius is 18 pixels, so it needs at least 19 slices, but the image has 16/);
    expect(() => computeFeatures(new Float32Array(16 * 1600), image, selectionAll(), { variant: 'direct' })).toThrow(FeatureScaleError);
  });

  it('falls back to 2D along z as ilastik does, and says so', () => {
    const image = { z: 16, y: 80, x: 80 };
    const { selection, notes } = fallBackTo2D(selectionAll(), image, 'direct');
    expect(selection.scales.filter((s) => s.in2D).map((s) => s.sigma)).toEqual([5, 10]);
    expect(notes[0]).toMatch(/σ=5\.0 needs at least 19 slices for 3D but the image has 16; computing it in 2D/);
    expect(() => fallBackTo2D(selectionAll(), { z: 16, y: 20, x: 80 })).toThrow(/along y/);
  });
});

describe('symmetric eigenvalues', () => {
  it('2×2 closed form and 3×3 solver: sorted descending (signed), exact on diagonal, repeated and known matrices', async () => {
    const { symmetricEigenvalues2, symmetricEigenvalues3 } = await import('../../extension/core/features/symmetricEigenvalues');
    const out = new Float64Array(3);
    symmetricEigenvalues2(2, 0, 5, out);
    expect([out[0], out[1]]).toEqual([5, 2]);
    symmetricEigenvalues2(1, 2, 1, out); // eigenvalues 3, -1
    expect(out[0]).toBeCloseTo(3, 12); expect(out[1]).toBeCloseTo(-1, 12);
    symmetricEigenvalues3(-7, 0, 0, 2, 0, 1, out);
    expect(Array.from(out)).toEqual([2, 1, -7]);
    // Repeated eigenvalue: the trigonometric method is then accurate to ~√ε relative (documented).
    symmetricEigenvalues3(2, 1, 0, 2, 0, 3, out); // [[2,1,0],[1,2,0],[0,0,3]] → 3, 3, 1
    expect(out[0]).toBeCloseTo(3, 7); expect(out[1]).toBeCloseTo(3, 7); expect(out[2]).toBeCloseTo(1, 7);
    symmetricEigenvalues3(4, 4, 4, 4, 4, 4, out); // rank one: 12, 0, 0
    expect(out[0]).toBeCloseTo(12, 12); expect(Math.abs(out[1])).toBeLessThan(1e-12); expect(Math.abs(out[2])).toBeLessThan(1e-12);
    symmetricEigenvalues3(5, 0, 0, 5, 0, 5, out);
    expect(Array.from(out)).toEqual([5, 5, 5]);
    // Random symmetric matrices: trace and sum of squares (invariants) match, order descending.
    let seed = 1;
    const rnd = (): number => { seed = (seed * 16807) % 2147483647; return seed / 2147483647 * 2e3 - 1e3; };
    for (let k = 0; k < 2000; k++) {
      const [a, b, c, d, e, f] = [rnd(), rnd(), rnd(), rnd(), rnd(), rnd()];
      symmetricEigenvalues3(a, b, c, d, e, f, out);
      expect(out[0]).toBeGreaterThanOrEqual(out[1]); expect(out[1]).toBeGreaterThanOrEqual(out[2]);
      expect(out[0] + out[1] + out[2]).toBeCloseTo(a + d + f, 6);
      const frob = a * a + d * d + f * f + 2 * (b * b + c * c + e * e);
      expect((out[0] ** 2 + out[1] ** 2 + out[2] ** 2) / frob).toBeCloseTo(1, 9);
    }
  });
});
