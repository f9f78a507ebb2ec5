/**
 * Builds the real compute worker bundle (same esbuild settings as esbuild.mjs) into a temp folder
 * once per test file, so worker tests start the built worker without depending on the other bundles.
 */
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

let built: Promise<string> | undefined;

/** Path of a freshly built computeWorker.js. */
export function buildComputeWorker(): Promise<string> {
  built ??= (async () => {
    const outfile = join(mkdtempSync(join(tmpdir(), 'pc-worker-')), 'computeWorker.js');
    await build({
      entryPoints: [resolve(__dirname, '../../extension/workers/computeWorker.ts')],
      outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error',
    });
    return outfile;
  })();
  return built;
}

let builtCli: Promise<string> | undefined;

/** Path of a freshly built cli.js, with computeWorker.js next to it (as in dist/). */
export function buildCli(): Promise<string> {
  builtCli ??= (async () => {
    const worker = await buildComputeWorker();
    const outfile = join(worker, '..', 'cli.js');
    await build({
      entryPoints: [resolve(__dirname, '../../extension/cli/main.ts')],
      outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error',
      banner: { js: '#!/usr/bin/env node' },
    });
    return outfile;
  })();
  return builtCli;
}
