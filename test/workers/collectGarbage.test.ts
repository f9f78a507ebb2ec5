/**
 * collectGarbage() in a real worker thread: memory the worker dropped is collected while it is idle,
 * without an ExperimentalWarning on its stderr; on the main thread it does nothing.
 */
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../extension/workers/collectGarbage';

/** A worker that drops a 64 MiB WebAssembly memory, then (optionally) calls collectGarbage and reports the finalization. */
async function buildProbe(): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'pc-gc-')), 'probe.js');
  await build({
    stdin: {
      contents: `
        import { parentPort, workerData } from 'node:worker_threads';
        import { collectGarbage } from './extension/workers/collectGarbage';
        const registry = new FinalizationRegistry(() => parentPort.postMessage({ collected: true }));
        (() => {
          const memory = new WebAssembly.Memory({ initial: 1024 });
          new Uint8Array(memory.buffer).fill(1);
          registry.register(memory, 'kernel');
        })();
        // idle: no allocation from here on, as a worker between jobs
        setTimeout(() => parentPort.postMessage({ started: workerData.collect ? collectGarbage() : false }), 50);
        setTimeout(() => parentPort.postMessage({ done: true }), 1500);
      `,
      resolveDir: resolve(__dirname, '../..'), loader: 'ts', sourcefile: 'probe.ts',
    },
    outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error',
  });
  return outfile;
}

async function runProbe(file: string, collect: boolean): Promise<{ started: boolean; collected: boolean; stderr: string }> {
  const worker = new Worker(file, { workerData: { collect }, stderr: true });
  let stderr = '';
  worker.stderr.on('data', (d) => { stderr += String(d); });
  const seen = { started: false, collected: false };
  await new Promise<void>((done, fail) => {
    worker.on('error', fail);
    worker.on('message', (m: { started?: boolean; collected?: boolean; done?: boolean }) => {
      if (m.started !== undefined) seen.started = m.started;
      if (m.collected) seen.collected = true;
      if (m.done) done();
    });
  });
  await worker.terminate();
  return { ...seen, stderr };
}

describe('collectGarbage', () => {
  it('collects what an idle worker dropped, silently; an idle worker left alone keeps it', async () => {
    const probe = await buildProbe();
    const withGc = await runProbe(probe, true);
    expect(withGc.started).toBe(true);
    expect(withGc.collected).toBe(true);
    expect(withGc.stderr).not.toMatch(/Warning/);
    const without = await runProbe(probe, false);
    expect(without.collected).toBe(false);
  }, 20_000);

  it('does nothing on the main thread', () => {
    expect(collectGarbage()).toBe(false);
  });
});
