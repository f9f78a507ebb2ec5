import { describe, expect, it } from 'vitest';
import { MemoryGate } from '../../extension/batch/memoryGate';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('MemoryGate', () => {
  it('lets two halves run together and makes a whole wait for both', async () => {
    const gate = new MemoryGate(1);
    const a = await gate.acquire(0.5);
    const b = await gate.acquire(0.5);
    expect(gate.held).toBe(1);
    let wholeGranted = false;
    const whole = gate.acquire(1).then((release) => { wholeGranted = true; return release; });
    await tick();
    expect(wholeGranted).toBe(false);
    a();
    await tick();
    expect(wholeGranted).toBe(false);
    b();
    const release = await whole;
    expect(wholeGranted).toBe(true);
    expect(gate.held).toBe(1);
    release();
    release(); // idempotent
    expect(gate.held).toBe(0);
  });

  it('grants in request order: a later half does not overtake an earlier whole', async () => {
    const gate = new MemoryGate(1);
    const first = await gate.acquire(0.5);
    const order: string[] = [];
    const whole = gate.acquire(1).then((r) => { order.push('whole'); return r; });
    const half = gate.acquire(0.5).then((r) => { order.push('half'); return r; });
    await tick();
    expect(order).toEqual([]);
    first();
    (await whole)();
    (await half)();
    expect(order).toEqual(['whole', 'half']);
    expect(gate.held).toBe(0);
  });

  it('clamps an amount above the capacity so a huge image still runs (alone)', async () => {
    const gate = new MemoryGate(1);
    const release = await gate.acquire(5);
    expect(gate.held).toBe(1);
    release();
    expect(gate.held).toBe(0);
  });

  it('abandons a wait when the signal aborts and lets the next waiter in', async () => {
    const gate = new MemoryGate(1);
    const holder = await gate.acquire(1);
    const abort = new AbortController();
    const waiting = gate.acquire(0.5, abort.signal);
    const next = gate.acquire(0.5);
    abort.abort(new Error('cancelled by the user'));
    await expect(waiting).rejects.toThrow('cancelled by the user');
    holder();
    (await next)();
    expect(gate.held).toBe(0);
    await expect(gate.acquire(0.5, abort.signal)).rejects.toThrow('cancelled by the user');
  });
});
