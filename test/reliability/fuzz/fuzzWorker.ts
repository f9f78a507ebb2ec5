/**
 * Worker-thread entry of a fuzz campaign (bundled by esbuild in {@link runFuzzCampaign}). Publishes
 * the index of the input it is working on in a SharedArrayBuffer so the parent can detect a hang
 * (even a synchronous endless loop) and name the input; hooks typed-array and ArrayBuffer
 * construction to measure the largest single allocation each input makes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runCampaign, type CampaignOptions } from './campaign';

const { options, progress } = workerData as { options: CampaignOptions; progress: SharedArrayBuffer };
const current = new Int32Array(progress);

let largest = 0;
/** Allocations above this are refused outright (recorded, then a RangeError) so a bad input cannot take the machine down. */
const refuseAbove = 4 * (options.memoryLimitBytes ?? 8 * 2 ** 20);

function hook(name: string, bytesPerElement: number): void {
  const g = globalThis as unknown as Record<string, unknown>;
  const original = g[name] as new (...args: unknown[]) => unknown;
  g[name] = new Proxy(original, {
    construct(target, args, newTarget) {
      const first = args[0];
      let bytes = 0;
      if (typeof first === 'number') bytes = first * bytesPerElement;
      else if (first && typeof first === 'object' && !(first instanceof ArrayBuffer) && !(first instanceof SharedArrayBuffer)) {
        const length = (first as { length?: unknown }).length;
        if (typeof length === 'number') bytes = length * bytesPerElement;
      }
      if (bytes > largest) largest = bytes;
      if (bytes > refuseAbove) throw new RangeError(`fuzz allocation guard: ${bytes} bytes requested`);
      return Reflect.construct(target, args, newTarget === g[name] ? target : newTarget);
    },
  });
}
hook('ArrayBuffer', 1);
for (const [name, size] of [['Uint8Array', 1], ['Int8Array', 1], ['Uint8ClampedArray', 1], ['Uint16Array', 2], ['Int16Array', 2],
  ['Uint32Array', 4], ['Int32Array', 4], ['Float32Array', 4], ['Float64Array', 8]] as const) hook(name, size);

runCampaign({
  ...options,
  onInput: (index) => Atomics.store(current, 0, index),
  allocationProbe: { reset: () => { largest = 0; }, largest: () => largest },
}).then(
  (result) => parentPort!.postMessage({ kind: 'result', result }),
  (error: Error) => parentPort!.postMessage({ kind: 'error', message: `${error.message}\n${error.stack}` }),
);
