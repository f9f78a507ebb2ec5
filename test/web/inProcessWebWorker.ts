/**
 * A Web Worker stand-in for unit tests (issue #20): messages are structured-cloned (with transfer lists) as a
 * browser's postMessage does, and the "worker" side runs the real web worker code (extension/web/webWorkerHost.ts)
 * in this thread, asynchronously. With the pool's copy mode this exercises the browser's protocol end to end.
 */
import type { WebJobRequest, WebWorkerLike } from '../../extension/web/webPoolWorker';
import { runWebJob } from '../../extension/web/webWorkerHost';

type Listener = (event: { data: unknown; message?: string }) => void;

/** A fake `Worker` whose jobs run in-process. */
export class InProcessWebWorker implements WebWorkerLike {
  private readonly listeners = new Map<string, Listener[]>();
  private chain: Promise<void> = Promise.resolve();
  private terminated = false;
  /** Jobs received (for tests). */
  jobs = 0;

  constructor() {
    setTimeout(() => this.emit('message', { kind: 'ready' }), 0);
  }

  postMessage(message: unknown, transfer: unknown[] = []): void {
    if (this.terminated) return;
    const request = structuredClone(message, { transfer: transfer as ArrayBuffer[] }) as WebJobRequest;
    this.jobs++;
    this.chain = this.chain.then(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      const { reply, transfer: back } = await runWebJob(request);
      if (this.terminated) return;
      this.emit('message', structuredClone(reply, { transfer: back as ArrayBuffer[] }));
    });
  }

  addEventListener(type: string, listener: Listener): void {
    const list = this.listeners.get(type) ?? [];
    list.push(listener);
    this.listeners.set(type, list);
  }

  terminate(): void {
    this.terminated = true;
  }

  private emit(type: string, data: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) listener({ data });
  }
}
