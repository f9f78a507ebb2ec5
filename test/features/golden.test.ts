/**
 * Every channel of both variants, 2D and 3D, against vigra 1.11 golden data
 * (test/fixtures/golden, provenance in make_fixtures.py / fixtures.json), within the manifest tolerances:
 * scalar |d| ≤ 2e-4·max(1, |ref|); eigenvalues |d| ≤ 1e-3·max(1, max_k |ev_k| at that pixel).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeFeatures, FeatureScratch } from '../../extension/core/features/computeFeatureBlock';
import { featureChannels, selectionAll } from '../../extension/core/features/featureSet';

const dir = join(__dirname, '../fixtures/golden');
const fixtures = JSON.parse(readFileSync(join(dir, 'fixtures.json'), 'utf8'));

function f32(file: string): Float32Array {
  const b = readFileSync(join(dir, file));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

interface ChannelRow { channel: number; feature_id: string; ilastik_name: string; sigma: number; component: number; n_components: number }

function check(setKey: string, wasm: boolean): { worst: Record<string, number> } {
  const set = fixtures.sets[setKey];
  const input = fixtures[set.input];
  const shape: number[] = input.shape;
  const image = shape.length === 2 ? { z: 1, y: shape[0], x: shape[1] } : { z: shape[0], y: shape[1], x: shape[2] };
  const mine = computeFeatures(f32(input.file), image, selectionAll(), { variant: set.variant, scratch: new FeatureScratch({ wasm }) });
  const ref = f32(set.file);
  const iz: number[] = set.index.z ?? [0], iy: number[] = set.index.y, ix: number[] = set.index.x;
  const channels: ChannelRow[] = set.channels;
  const vol = image.z * image.y * image.x;
  const subVol = iz.length * iy.length * ix.length;
  expect(mine.length).toBe(channels.length * vol);
  const worst: Record<string, number> = {};
  let failures = 0;
  for (const ch of channels) {
    const c0 = ch.channel - ch.component;
    for (let a = 0; a < iz.length; a++) {
      for (let b = 0; b < iy.length; b++) {
        for (let d = 0; d < ix.length; d++) {
          const s = (a * iy.length + b) * ix.length + d;
          const m = ((iz[a] * image.y) + iy[b]) * image.x + ix[d];
          const r = ref[ch.channel * subVol + s];
          const diff = Math.abs(mine[ch.channel * vol + m] - r);
          let scale: number, tol: number;
          if (ch.n_components > 1) {
            scale = 0;
            for (let k = 0; k < ch.n_components; k++) scale = Math.max(scale, Math.abs(ref[(c0 + k) * subVol + s]));
            tol = 1e-3;
          } else {
            scale = Math.abs(r);
            tol = 2e-4;
          }
          const rel = diff / Math.max(1, scale);
          const key = `${ch.feature_id} σ=${ch.sigma}`;
          worst[key] = Math.max(worst[key] ?? 0, rel / tol);
          if (!(rel <= tol)) failures++;
        }
      }
    }
  }
  expect(failures, JSON.stringify(worst)).toBe(0);
  if (process.env.GOLDEN_REPORT) console.log(setKey, wasm ? 'wasm' : 'ts', JSON.stringify(worst));
  return { worst };
}

describe('golden data (vigra 1.11)', () => {
  it('channel table matches featureChannels() names and order (2D and 3D)', () => {
    for (const [setKey, is3D] of [['direct_2d', false], ['direct_3d', true], ['ilastik_2d', false]] as const) {
      const rows: ChannelRow[] = fixtures.sets[setKey].channels;
      const mine = featureChannels(selectionAll(), 1, is3D);
      expect(mine.map((c) => c.name)).toEqual(rows.map((r) => r.ilastik_name));
      expect(mine.map((c) => [c.featureId, c.sigma, c.component])).toEqual(rows.map((r) => [r.feature_id, r.sigma, r.component]));
    }
  });

  // Both paths: the WebAssembly SIMD kernels (default) and the TypeScript fallback.
  for (const wasm of [true, false]) {
    const path = wasm ? 'WebAssembly' : 'TypeScript';
    it(`direct variant, 2D, all 49 channels (${path})`, () => { check('direct_2d', wasm); });
    it(`ilastik pipeline, 2D, all 49 channels (${path})`, () => { check('ilastik_2d', wasm); });
    it(`direct variant, true 3D, all 61 channels (${path})`, () => { check('direct_3d', wasm); });
  }
});
