/**
 * The worker side of {@link WebPoolWorker} (issue #20): runs each job with the shared job runner
 * (extension/workers/handleJobRequest.ts; only the jobs that need no file access) and, without real shared memory,
 * returns the bytes the job changed in its copied buffers. Used by the Web Worker entry (webComputeWorker.ts) and, in
 * unit tests, by an in-process fake.
 */
import { COMPUTE_JOB_HANDLERS } from '../workers/computeJobHandlers';
import { handleJobRequest } from '../workers/handleJobRequest';
import type { TransferItem } from '../workers/workerProtocol';
import { changedRanges, markShared, sharedBuffersIn, type ChangedRange } from './sharedMemory';
import type { WebJobRequest, WebWorkerReply } from './webPoolWorker';

/** Runs one request; returns the reply and its transfer list. */
export async function runWebJob(request: WebJobRequest): Promise<{ reply: WebWorkerReply; transfer: TransferItem[] }> {
  const copies = request.copies ?? [];
  for (const copy of copies) markShared(copy);
  const before = copies.map((copy) => new Uint8Array(copy).slice());
  const { message, transfer } = await handleJobRequest(request, COMPUTE_JOB_HANDLERS);
  const changes: ChangedRange[] = [];
  copies.forEach((copy, i) => changes.push(...changedRanges(before[i], new Uint8Array(copy), i)));
  const reply: WebWorkerReply = copies.length > 0 ? { ...message, changes } : { ...message };
  const sharedResults = message.kind === 'result' ? sharedBuffersIn(message.result) : [];
  if (sharedResults.length > 0) reply.sharedResults = sharedResults;
  const moved = [...transfer, ...changes.map((c) => c.bytes.buffer as ArrayBuffer)];
  return { reply, transfer: moved };
}
