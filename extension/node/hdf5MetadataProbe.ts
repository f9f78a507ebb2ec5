/**
 * A watchdog for h5wasm (issue #13's HDF5 fuzz campaign): on some damaged files — a variable-length string
 * attribute whose global heap is corrupt — h5wasm loops forever inside its WebAssembly, and nothing on the calling
 * thread can interrupt a synchronous loop. Before a file is opened on the calling thread, a worker thread opens it
 * and reads every attribute (the metadata the readers read: axistags, provenance) under a watchdog; a file on which
 * it stops progressing is refused, and the stuck worker is terminated (V8 interrupts WebAssembly loops).
 * The worker stays alive between files (h5wasm loads once), unref'd so it never keeps a process running.
 */
import { Worker } from 'node:worker_threads';
import { h5wasmWorkerEntry } from './hdf5Library';

/**
 * A probe that makes no progress (no attribute or node finished) for this long, once h5wasm is loaded, is stuck:
 * the file is taken for damaged. Progress, not the total, is watched, so a project with many thousands of label
 * blocks is never refused for its size.
 */
export const HDF5_PROBE_TIMEOUT_MS = 3000;

// Plain JavaScript run as an eval'd worker (so it needs no bundle of its own): loads h5wasm as the host does and
// visits every node's attributes. Errors are not reported — the calling thread reports its own, with the file's name.
const PROBE_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const progress = new Int32Array(workerData.progress);
const ready = (async () => {
  const mod = workerData.bundle ? require(workerData.bundle).default : (await import(workerData.module)).default;
  await mod.ready;
  return mod;
})();
ready.then(() => parentPort.postMessage({ kind: 'ready' }), (e) => parentPort.postMessage({ kind: 'failed', error: String(e && e.message || e) }));
parentPort.on('message', async ({ id, file }) => {
  const mod = await ready;
  let h5;
  try {
    h5 = new mod.File(file, 'r');
    let budget = 100000;
    const visit = (node, depth) => {
      if (!node || budget-- <= 0) return;
      Atomics.add(progress, 0, 1);
      try { for (const name of Object.keys(node.attrs || {})) { try { void node.attrs[name].value; } catch {} Atomics.add(progress, 0, 1); } } catch {}
      if ((node.type === 'Group' || node.type === 'File') && depth < 8) {
        let keys = [];
        try { keys = node.keys(); } catch {}
        for (const key of keys) { let child; try { child = node.get(key); } catch {} visit(child, depth + 1); }
      }
    };
    visit(h5, 0);
  } catch {}
  try { if (h5) h5.close(); } catch {}
  parentPort.postMessage({ kind: 'done', id });
});
`;

interface ProbeWorker {
  worker: Worker;
  ready: Promise<boolean>;
  pending: Map<number, () => void>;
  /** Attributes and nodes read so far (the worker counts, the watchdog reads). */
  progress: Int32Array;
}

let current: ProbeWorker | undefined;
let nextId = 0;

function startWorker(): ProbeWorker {
  const shared = new SharedArrayBuffer(4);
  const worker = new Worker(PROBE_SOURCE, { eval: true, workerData: { ...h5wasmWorkerEntry(), progress: shared } });
  const pending = new Map<number, () => void>();
  let markReady: (ok: boolean) => void = () => undefined;
  const ready = new Promise<boolean>((resolve) => { markReady = resolve; });
  worker.on('message', (message: { kind: string; id?: number }) => {
    if (message.kind === 'ready') markReady(true);
    else if (message.kind === 'failed') markReady(false);
    else if (message.kind === 'done' && message.id !== undefined) {
      pending.get(message.id)?.();
      pending.delete(message.id);
    }
  });
  const gone = () => {
    markReady(false);
    for (const resolve of pending.values()) resolve();
    pending.clear();
    if (current?.worker === worker) current = undefined;
  };
  worker.on('error', gone);
  worker.on('exit', gone);
  // After the listeners: adding a 'message' listener refs the worker's port again.
  worker.unref();
  return { worker, ready, pending, progress: new Int32Array(shared) };
}

/**
 * Whether h5wasm reads the metadata of `file`: `ok`, or `timeout` when it stopped progressing for `timeoutMs` (a
 * damaged file h5wasm would hang on).
 * `ok` also when the probe cannot run (no worker threads, h5wasm not loadable there): the calling thread then
 * reads as before.
 */
export async function probeHdf5Metadata(file: string, timeoutMs = HDF5_PROBE_TIMEOUT_MS): Promise<'ok' | 'timeout'> {
  let probe: ProbeWorker;
  try {
    probe = current ??= startWorker();
  } catch {
    return 'ok';
  }
  // Referenced while a probe is in flight (the caller waits for it), unreferenced when idle (never keeps a CLI alive).
  probe.worker.ref();
  try {
    return await runProbe(probe, file, timeoutMs);
  } finally {
    probe.worker.unref();
  }
}

async function runProbe(probe: ProbeWorker, file: string, timeoutMs: number): Promise<'ok' | 'timeout'> {
  if (!(await probe.ready)) return 'ok';
  const id = ++nextId;
  const finished = new Promise<'ok'>((resolve) => probe.pending.set(id, () => resolve('ok')));
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<'timeout'>((resolve) => {
    let seen = Atomics.load(probe.progress, 0);
    let since = Date.now();
    timer = setInterval(() => {
      const now = Atomics.load(probe.progress, 0);
      if (now !== seen) { seen = now; since = Date.now(); } else if (Date.now() - since > timeoutMs) resolve('timeout');
    }, Math.min(250, timeoutMs / 4));
  });
  probe.worker.postMessage({ id, file });
  const outcome = await Promise.race([finished, stuck]);
  clearInterval(timer);
  if (outcome === 'timeout') {
    probe.pending.delete(id);
    if (current === probe) current = undefined;
    await probe.worker.terminate().catch(() => undefined);
  }
  return outcome;
}
