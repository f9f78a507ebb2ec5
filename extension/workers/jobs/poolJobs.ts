/**
 * Self-test jobs of the worker pool: used by health checks and the worker tests to exercise
 * transfer, errors, cancellation and crash recovery with the real built worker.
 */
import type { JobContext, JobOutputOf } from '../workerProtocol';
import { threadId } from '../../node/nodeRuntime';

/** Payload (and result) of `pool/echo`. */
export interface EchoPayload {
  buffers?: ArrayBuffer[];
  [key: string]: unknown;
}

/** `pool/echo`: returns its payload; ArrayBuffers in `payload.buffers` are transferred back. */
function echo(payload: EchoPayload): JobOutputOf<EchoPayload> {
  const transfer = (payload?.buffers ?? []).filter((b) => b instanceof ArrayBuffer);
  return { result: payload, transfer };
}

/** `pool/sum`: sums a Float32Array (shared or transferred) — proves the worker sees the pixels. */
function sum(payload: { data: Float32Array }): JobOutputOf<number> {
  let total = 0;
  for (let i = 0; i < payload.data.length; i++) total += payload.data[i];
  return { result: total };
}

/** `pool/spin`: busy-loops for `ms` milliseconds, polling cancellation; returns the thread id. */
async function spin(payload: { ms: number }, context: JobContext): Promise<JobOutputOf<{ threadId: number }>> {
  const end = Date.now() + payload.ms;
  while (Date.now() < end) context.throwIfCancelled();
  return { result: { threadId } };
}

/** `pool/spinIgnoringCancel`: busy-loops without polling (a handler that never notices cancellation). */
function spinIgnoringCancel(payload: { ms: number }): JobOutputOf<string> {
  const end = Date.now() + payload.ms;
  while (Date.now() < end) { /* deliberately deaf to cancellation */ }
  return { result: 'done' };
}

/** `pool/throw`: fails with the given message. */
function fail(payload: { message: string }): JobOutputOf<never> {
  throw new Error(payload.message);
}

/** `pool/crash`: ends the worker thread abruptly (exit code 7), as a native crash or OOM would. */
function crash(_payload: Record<string, never>): JobOutputOf<never> {
  process.exit(7);
}

/** Pool self-test job handlers. */
export const POOL_JOBS = {
  'pool/echo': echo,
  'pool/sum': sum,
  'pool/spin': spin,
  'pool/spinIgnoringCancel': spinIgnoringCancel,
  'pool/throw': fail,
  'pool/crash': crash,
};
