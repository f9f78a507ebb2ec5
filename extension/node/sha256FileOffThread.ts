/**
 * sha256 of an image file in a short-lived worker thread (issue #13): hashing a file of gigabytes in the extension host
 * took up to 60 % of its thread for seconds — stream chunks, `update` and garbage collection — while the user was
 * painting the first strokes. Same digest as {@link sha256File}; folders (OME-Zarr stores) are hashed as there.
 */
import { Worker } from 'node:worker_threads';
import { promises as fs } from 'node:fs';
import { splitHdf5Path } from '../core/image/hdf5Path';
import { sha256File } from '../project/fileHash';

/** The worker: plain CommonJS (evaluated, no bundle needed), reads 8 MiB at a time into one reused buffer. */
const HASH_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
try {
  const fd = fs.openSync(workerData.file, 'r');
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(8 << 20);
  try {
    for (let n; (n = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0;) hash.update(buffer.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  parentPort.postMessage({ hex: hash.digest('hex') });
} catch (e) {
  parentPort.postMessage({ error: e && e.message ? e.message : String(e) });
}
`;

/**
 * Lowercase hex sha256 of `file` (the HDF5 file of `file.h5/dataset`), computed off the calling thread.
 * @throws Error with the reader's message (naming the file) when it cannot be read
 */
export async function sha256FileOffThread(file: string): Promise<string> {
  const container = splitHdf5Path(file)?.file ?? file;
  const stat = await fs.stat(container);
  if (!stat.isFile()) return sha256File(file);
  return new Promise<string>((resolve, reject) => {
    const worker = new Worker(HASH_WORKER_SOURCE, { eval: true, workerData: { file: container } });
    let settled = false;
    worker.once('message', (m: { hex?: string; error?: string }) => {
      settled = true;
      if (m.hex) resolve(m.hex);
      else reject(new Error(m.error ?? `${container}: could not be hashed`));
      void worker.terminate();
    });
    worker.once('error', (e) => { if (!settled) { settled = true; reject(e); } });
    worker.once('exit', (code) => { if (!settled) { settled = true; reject(new Error(`${container}: the hashing thread stopped (exit code ${code})`)); } });
  });
}
