/**
 * Issues #7 and #13, "Bad input": seeded fuzz campaigns over the TIFF, PNG and JPEG decoders (through
 * openImageBytes), the project parser, the HDF5 reader (h5wasm, through a temporary file) and the Zarr reader. Each input must end in a checked image/project or in one
 * clear ImageError/ProjectError naming the file, within the time bound, with no single allocation over
 * twice the memory limit, and no hang (watched from outside the worker).
 *
 * The suite runs FUZZ_COUNT inputs per target (default 1,000, a fixed seed); `npm run fuzz` (part of
 * `npm test`) runs 10,000 per target. Failures print their input index: replay with
 * `npm run fuzz -- --targets <t> --seed <s> --count <n> --save dir`.
 */
import { describe, expect, it } from 'vitest';
import type { CampaignResult, FuzzTarget } from './fuzz/campaign';
import { runFuzzCampaign } from './fuzz/runFuzzCampaign';

const COUNT = Number(process.env.FUZZ_COUNT ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 7);
const TARGETS: FuzzTarget[] = ['tiff', 'png', 'jpeg', 'project', 'hdf5', 'zarr'];

// All four campaigns start at once (each in its own worker thread); the tests then await their results.
const campaigns = new Map<FuzzTarget, Promise<CampaignResult>>();
function campaign(target: FuzzTarget): Promise<CampaignResult> {
  let c = campaigns.get(target);
  if (!c) {
    c = runFuzzCampaign({ target, seed: SEED, count: COUNT, memoryLimitBytes: 2 * 2 ** 20, perInputMs: 5000, hangMs: 60_000 });
    campaigns.set(target, c);
  }
  return c;
}

describe(`fuzzing, ${COUNT} mutated inputs per target (seed ${SEED})`, () => {
  for (const target of TARGETS) {
    it(`${target}: every input decodes correctly or fails with one clear error, in time and memory`, async () => {
      for (const t of TARGETS) void campaign(t);
      const result = await campaign(target);
      const { reasons, ...summary } = result;
      console.info(JSON.stringify({ ...summary, distinctErrors: Object.keys(reasons).length }));
      expect(result.failures).toEqual([]);
      expect(result.inputs).toBe(COUNT);
      // The mutations must exercise both outcomes, or the campaign proves nothing.
      expect(result.decoded).toBeGreaterThan(COUNT * 0.01);
      expect(result.rejected).toBeGreaterThan(COUNT * 0.5);
    }, 600_000);
  }
});
