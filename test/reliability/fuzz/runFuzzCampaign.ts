/**
 * Runs a fuzz campaign in a worker thread and watches it: if the input index does not advance for
 * `hangMs`, the worker is terminated and the stuck input is reported as a hang (the campaign's own
 * per-input time bound cannot catch a synchronous endless loop). The worker is an esbuild bundle of
 * fuzzWorker.ts built once per process.
 */
import { build } from 'esbuild';
import { pathToFileURL } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CampaignOptions, CampaignResult } from './campaign';

let bundle: Promise<string> | undefined;

/** Path of the bundled fuzz worker (built on first use). */
export function buildFuzzWorker(): Promise<string> {
  bundle ??= (async () => {
    const outfile = join(mkdtempSync(join(tmpdir(), 'pc-fuzz-')), 'fuzzWorker.js');
    await build({
      entryPoints: [resolve(__dirname, 'fuzzWorker.ts')], outfile, bundle: true, platform: 'node', format: 'cjs',
      target: 'node20', logLevel: 'error', external: ['vscode'],
      // h5wasm's Node build (HDF5 target) finds itself through import.meta.url, as in esbuild.mjs; its LZF plugin
      // is loaded from the package folder (the bundle lives in a temporary folder).
      define: {
        'import.meta.url': '__pcImportMetaUrl',
        __PC_HDF5_PLUGIN_FOLDER__: JSON.stringify(resolve(__dirname, '../../../node_modules/h5wasm-plugins/plugins')),
        __PC_H5WASM_MODULE__: JSON.stringify(pathToFileURL(resolve(__dirname, '../../../node_modules/h5wasm/dist/node/hdf5_hl.js')).href),
      },
      banner: { js: "var __pcImportMetaUrl = require('url').pathToFileURL(__filename).href;" },
    });
    return outfile;
  })();
  return bundle;
}

/** Options of {@link runFuzzCampaign}: the campaign's plus the watchdog's. */
export interface RunOptions extends Omit<CampaignOptions, 'onInput' | 'allocationProbe'> {
  /** An input that makes no progress for this long is a hang. @default 30 000 */
  hangMs?: number;
  /** V8 heap limit of the worker in MiB (a runaway JS allocation kills only the worker). @default 512 */
  maxHeapMiB?: number;
}

/** Runs the campaign; hangs and worker deaths become failures in the result rather than exceptions. */
export async function runFuzzCampaign(options: RunOptions): Promise<CampaignResult> {
  const script = await buildFuzzWorker();
  const progress = new SharedArrayBuffer(4);
  const current = new Int32Array(progress);
  Atomics.store(current, 0, -1);
  const { hangMs = 30_000, maxHeapMiB = 512, ...campaign } = options;
  const worker = new Worker(script, {
    workerData: { options: campaign, progress },
    // 1 MiB of stack like the main thread (workers default to 4 MiB, which makes every deep-recursion
    // RangeError path ~10× slower and is not what the extension host or CLI main thread has).
    resourceLimits: { maxOldGenerationSizeMb: maxHeapMiB, stackSizeMb: 1 },
  });
  const empty = (failure: CampaignResult['failures'][number]): CampaignResult => ({
    target: options.target, seed: options.seed, inputs: Math.max(0, Atomics.load(current, 0) - (options.start ?? 0)), decoded: 0, rejected: 0,
    failures: [failure], slowestMs: 0, slowestIndex: -1, largestAllocation: 0, maxRssMiB: 0, seconds: 0, reasons: {},
  });
  return new Promise<CampaignResult>((resolvePromise) => {
    let last = -2;
    let lastChange = Date.now();
    let done = false;
    const finish = (result: CampaignResult) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      void worker.terminate();
      resolvePromise(result);
    };
    const timer = setInterval(() => {
      const now = Atomics.load(current, 0);
      if (now !== last) { last = now; lastChange = Date.now(); return; }
      if (Date.now() - lastChange > hangMs) {
        finish(empty({ index: now, seedName: '?', kind: 'slow', message: `hang: input ${now} made no progress for ${hangMs} ms` }));
      }
    }, 250);
    worker.on('message', (message: { kind: 'result'; result: CampaignResult } | { kind: 'error'; message: string }) => {
      if (message.kind === 'result') finish(message.result);
      else finish(empty({ index: Atomics.load(current, 0), seedName: '?', kind: 'crash', message: message.message }));
    });
    worker.on('error', (error) => finish(empty({ index: Atomics.load(current, 0), seedName: '?', kind: 'crash', message: `worker died: ${error.message}` })));
    worker.on('exit', (code) => finish(empty({ index: Atomics.load(current, 0), seedName: '?', kind: 'crash', message: `worker exited with code ${code}` })));
  });
}
