/**
 * The few Node runtime facilities the workers layer uses, behind one module so the browser bundle can swap in
 * extension/web/nodeRuntime.ts (issue #20): whether this is the main thread, V8's `measureMemory` (starts a full
 * collection without `--expose-gc`), and lifting the listener limit of an AbortSignal.
 */
import { setMaxListeners as nodeSetMaxListeners } from 'node:events';
import * as vm from 'node:vm';
import { isMainThread as nodeIsMainThread, threadId as nodeThreadId } from 'node:worker_threads';

/** This thread's id (0 on the main thread). */
export const threadId: number = nodeThreadId;

/** True outside worker threads. */
export const isMainThread: boolean = nodeIsMainThread;

/** `vm.measureMemory` when this Node has it. */
export const measureMemory: ((options: object) => Promise<unknown>) | undefined =
  (vm as { measureMemory?: (options: object) => Promise<unknown> }).measureMemory;

/** Allows `n` listeners (0: unlimited) on `target` without Node's leak warning. */
export function setMaxListeners(n: number, target: EventTarget): void {
  nodeSetMaxListeners(n, target);
}
