/**
 * This thread's WebAssembly training kernel (extension/wasm/forestTrain.ts): binning, bootstrap,
 * split search and partitions of random-forest training. One instance per thread, created on first
 * use; its memory keeps its largest size, so later trainings reuse the pages, until the thread gives it
 * back with {@link releaseTrainKernel} (a worker does once it has been idle; see forestJobs).
 */
import { forestTrainWasmBase64 } from '../wasm/generated/forestTrainWasm';
import { instantiateWasm } from '../wasm/instantiateWasm';

/** Exports of the kernel; arguments are byte offsets into its memory and counts. */
export interface TrainKernelExports {
  binColumn(values: number, n: number, codes: number, keys: number, order: number, keys2: number, order2: number, count: number): number;
  bootstrap(state: number, n: number, weight: number, classes: number, idx: number, pay: number, oob: number, counts: number, K: number): number;
  subsampleBootstrap(
    state: number, n: number, m: number, weight: number, classes: number, idx: number, pay: number, oob: number, counts: number,
    K: number, perm: number, picks: number, sub: number,
  ): number;
  gatherCodes(codes: number, n: number, F: number, sub: number, m: number, out: number): void;
  searchNode(
    state: number, order: number, F: number, mtry: number, binCounts: number, hist: number, codes: number, N: number,
    idx: number, pay: number, start: number, end: number, K: number, W: number, minLeaf: number, counts: number,
    result: number, sortKey: number, sortPay: number, sortedMax: number,
  ): number;
  partitionByCode(
    codes: number, values: number, idx: number, pay: number, start: number, end: number, bin: number, minmax: number,
    tmpIdx: number, tmpPay: number, orig: number,
  ): number;
  partitionByValue(
    values: number, idx: number, pay: number, start: number, end: number, threshold: number, tmpIdx: number, tmpPay: number,
    orig: number,
  ): number;
  partitionOob(
    codes: number, values: number, idx: number, start: number, end: number, bin: number, rightBin: number, threshold: number,
    tmpIdx: number, orig: number,
  ): number;
}

export type TrainKernel = TrainKernelExports & { memory: WebAssembly.Memory };

let kernel: TrainKernel | undefined;

/** This thread's kernel. */
export function trainKernel(): TrainKernel {
  kernel ??= instantiateWasm<TrainKernelExports>(forestTrainWasmBase64);
  return kernel;
}

/**
 * Drops this thread's kernel, so that its memory (which grows with the largest training set seen) is
 * unmapped when collected; the next training instantiates a fresh one (no recompilation) and pays the
 * page faults of its working set again.
 */
export function releaseTrainKernel(): void {
  kernel = undefined;
  kernelUse.owner = undefined;
}

/** Whether this thread holds a training kernel (for tests). */
export function hasTrainKernel(): boolean {
  return kernel !== undefined;
}

/**
 * Whose data the kernel memory holds: the tree scratch last attached, or undefined after the memory
 * was used for something else (binning), so that the next tree copies its data in again.
 */
export const kernelUse: { owner: object | undefined } = { owner: undefined };
