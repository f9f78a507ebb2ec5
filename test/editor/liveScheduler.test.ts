import { describe, expect, it } from 'vitest';
import { isAbort, LiveScheduler } from '../../extension/editor/liveScheduler';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('LiveScheduler', () => {
  it('a new run cancels the running one, waits for it to unwind, and reports only real failures', async () => {
    const s = new LiveScheduler(5);
    const log: string[] = [];
    const errors: unknown[] = [];
    let idle = 0;
    const handlers = { onError: (e: unknown) => errors.push(e), onIdle: () => idle++ };
    const first = s.run(async (signal) => {
      log.push('first started');
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      log.push('first unwinding');
      signal.throwIfAborted();
    }, handlers);
    await tick();
    expect(s.training).toBe(true);
    const second = s.run(async () => { log.push('second'); }, handlers);
    await Promise.all([first, second]);
    expect(log).toEqual(['first started', 'first unwinding', 'second']);
    expect(errors).toEqual([]);
    expect(idle).toBe(1); // the first run ended while the second waited: not idle then
    expect(s.training).toBe(false);
    await s.run(async () => { throw new Error('disk full'); }, handlers);
    expect(errors).toEqual([new Error('disk full')]);
  });

  it('a run cancelled before it starts never runs; stop() ends everything for good', async () => {
    const s = new LiveScheduler(5);
    const ran: number[] = [];
    const blocker = s.run(async (signal) => { await tick(10); signal.throwIfAborted(); }, { onError: () => undefined });
    const skipped = s.run(async () => { ran.push(1); }, { onError: () => undefined });
    const last = s.run(async () => { ran.push(2); }, { onError: () => undefined });
    await Promise.all([blocker, skipped, last]);
    expect(ran).toEqual([2]);
    s.stop();
    await s.run(async () => { ran.push(3); }, { onError: () => undefined });
    expect(ran).toEqual([2]);
  });

  it('debounces: the first call after a pause starts at once, then only the last of a burst, and cancel drops it', async () => {
    const s = new LiveScheduler(10);
    const started: string[] = [];
    for (let i = 0; i < 5; i++) s.debounce(() => started.push(`burst ${i}`));
    expect(started).toEqual(['burst 0']); // nothing came before: no wait
    await tick(30);
    expect(started).toEqual(['burst 0', 'burst 4']);
    s.debounce(() => started.push('after a pause'));
    s.debounce(() => started.push('close behind'));
    expect(started).toEqual(['burst 0', 'burst 4', 'after a pause']);
    s.cancel();
    await tick(30);
    expect(started).toEqual(['burst 0', 'burst 4', 'after a pause']);
  });

  it('a prediction pass is shared while it runs and cancelled by a new run', async () => {
    const s = new LiveScheduler(5);
    let passes = 0;
    let aborted = false;
    const pass = (signal: AbortSignal) => {
      passes++;
      return new Promise<void>((resolve) => signal.addEventListener('abort', () => { aborted = true; resolve(); }));
    };
    const a = s.predict(pass, { onError: () => undefined });
    const b = s.predict(pass, { onError: () => undefined });
    expect(b).toBe(a);
    expect(passes).toBe(1);
    await s.run(async () => undefined, { onError: () => undefined });
    await a;
    expect(aborted).toBe(true);
  });

  it('isAbort recognises cancellation errors only', () => {
    const abort = new Error('x');
    abort.name = 'AbortError';
    expect([abort, new Error('job cancelled'), new Error('disk full')].map(isAbort)).toEqual([true, true, false]);
  });
});
