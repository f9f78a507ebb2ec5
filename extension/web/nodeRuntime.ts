/**
 * The browser's counterpart of extension/node/nodeRuntime.ts (the browser bundle resolves that module to this one,
 * issue #20). A page has no API to start a garbage collection and its EventTargets have no listener limit, so
 * `measureMemory` is absent (workers then leave collection to the browser) and `setMaxListeners` does nothing.
 */

/** An id of this Web Worker (random: browsers number no threads). */
export const threadId: number = 1 + Math.floor(Math.random() * 1e9);

/** Compute workers are never the main thread; the browser's extension host does not ask. */
export const isMainThread = false;

/** Not available in browsers. */
export const measureMemory: ((options: object) => Promise<unknown>) | undefined = undefined;

/** Browsers warn about no listener count: nothing to lift. */
export function setMaxListeners(_n: number, _target: EventTarget): void { /* nothing to do in a browser */ }
