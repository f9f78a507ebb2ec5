/**
 * Self-test jobs of the worker pool: used by health checks and the worker tests to exercise
 * transfer, errors, cancellation and crash recovery with the real built worker.
 */
import type { JobContext, JobHandler, JobOutput } from '../workerProtocol';

/** `pool/echo`: returns its payload; ArrayBuffers in `payload.buffers` are transferred back. */
function echo(payload: { buffers?: ArrayBuffer[]; [key: string]: unknown }): JobOutput {
  const transfer = (payload?.buffers ?? []).filter((b) => b instanceof ArrayBuffer);
  return { result: payload, transfer };
}

/** `pool/sum`: sums a Float32Array (shared or transferred) — proves the worker sees the pixels. */
function sum(payload: { data: Float32Array }): JobOutput {
  let total = 0;
  for (let i = 0; i < payload.data.length; i++) total += payload.data[i];
  return { result: total };
}

/** `pool/spin`: busy-loops for `ms` milliseconds, polling cancellation; returns the thread id. */
async function spin(payload: { ms: number }, context: JobContext): Promise<JobOutput> {
  const end = Date.now() + payload.ms;
  while (Date.now() < end) context.throwIfCancelled();
  const { threadId } = await import('node:worker_threads');
  return { result: { threadId } };
}

/** `pool/spinIgnoringCancel`: busy-loops without polling (a handler that never notices cancellation). */
function spinIgnoringCancel(payload: { ms: number }): JobOutput {
  const end = Date.now() + payload.ms;
  while (Date.now() < end) { /* deliberately deaf to cancellation */ }
  return { result: 'done' };
}

/** `pool/throw`: fails with the given message. */
function fail(payload: { message: string }): JobOutput {
  throw new Error(payload.message);
}

/** `pool/crash`: ends the worker thread abruptly (exit code 7), as a native crash or OOM would. */
function crash(): JobOutput {
  process.exit(7);
}

/** Pool self-test job handlers. */
export const POOL_JOBS: Record<string, JobHandler> = {
  'pool/echo': echo,
  'pool/sum': sum,
  'pool/spin': spin,
  'pool/spinIgnoringCancel': spinIgnoringCancel,
  'pool/throw': fail,
  'pool/crash': crash,
};
