/**
 * `npm run fuzz [-- --count N] [--seed S] [--targets tiff,png,jpeg,project,hdf5,zarr] [--save DIR]`: the full fuzz
 * campaigns of issues #7 and #13 — by default 10,000 mutated inputs for each of the TIFF, PNG and JPEG decoders,
 * the project parser, the HDF5 reader (h5wasm, behind its metadata watchdog, extension/node/hdf5MetadataProbe.ts) and the Zarr reader (metadata JSON and chunk bytes); two campaigns at a time (one per core), each in a watched worker thread. Prints a
 * JSON summary; exits 1 when any input broke the contract (crash, unclear error, hang, over-allocation).
 * `--save DIR` writes every failing input there for triage (then add the nastiest to test/fixtures/fuzz/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mutatedInput, prepareSeeds, type CampaignResult, type FuzzTarget } from '../test/reliability/fuzz/campaign';
import { runFuzzCampaign } from '../test/reliability/fuzz/runFuzzCampaign';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const count = Number(arg('count', '10000'));
  const seed = Number(arg('seed', '20261125'));
  const targets = arg('targets', 'tiff,png,jpeg,project,hdf5,zarr').split(',') as FuzzTarget[];
  const save = process.argv.includes('--save') ? arg('save', 'fuzz-failures') : undefined;
  const started = Date.now();
  const queue = [...targets];
  const results: CampaignResult[] = [];
  const lanes = Array.from({ length: 2 }, async () => {
    for (let target = queue.shift(); target; target = queue.shift()) {
      // 2 MiB keeps garbage-but-plausible frames small, so 10,000 inputs stay in the minutes range.
      results.push(await runFuzzCampaign({ target, seed, count, memoryLimitBytes: 2 * 2 ** 20, perInputMs: 5000, hangMs: 60_000 }));
    }
  });
  await Promise.all(lanes);
  if (save) {
    mkdirSync(save, { recursive: true });
    for (const r of results) {
      const seeds = await prepareSeeds(r.target);
      for (const f of r.failures.filter((x) => x.index >= 0)) {
        const { bytes } = mutatedInput(r.target, seeds, r.seed, f.index);
        writeFileSync(join(save, `${r.target}-${f.index}-${f.kind}.bin`), bytes);
      }
    }
  }
  const failures = results.reduce((n, r) => n + r.failures.length, 0);
  process.stdout.write(`${JSON.stringify({
    seed, countPerTarget: count, seconds: (Date.now() - started) / 1000, failures,
    targets: results.map(({ reasons, ...r }) => ({ ...r, distinctErrors: Object.keys(reasons).length })),
  }, null, 2)}\n`);
  process.exitCode = failures > 0 ? 1 : 0;
}

main().catch((error) => { console.error(error); process.exitCode = 1; });
