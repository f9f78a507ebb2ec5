/**
 * A first-come-first-served semaphore over a fractional capacity (a share of the memory limit): batch
 * prediction takes 0.5 for a small image (two may run at once) and 1 for a large one (runs alone).
 */
export class MemoryGate {
  private used = 0;
  private readonly waiting: { amount: number; grant: () => void }[] = [];

  /** @param capacity total that acquisitions may hold at once */
  constructor(private readonly capacity: number) {}

  /**
   * Waits until `amount` fits (after every earlier waiter), then holds it.
   * @param amount share to hold; more than the capacity is clamped to it (runs alone)
   * @param signal abandons the wait (rejects with its reason) when aborted
   * @returns a function that releases the share (idempotent)
   */
  async acquire(amount: number, signal?: AbortSignal): Promise<() => void> {
    const need = Math.min(amount, this.capacity);
    signal?.throwIfAborted();
    if (this.waiting.length === 0 && this.used + need <= this.capacity) {
      this.used += need;
    } else {
      await new Promise<void>((resolve, reject) => {
        const entry = { amount: need, grant: () => { signal?.removeEventListener('abort', onAbort); resolve(); } };
        const onAbort = (): void => {
          const i = this.waiting.indexOf(entry);
          if (i >= 0) this.waiting.splice(i, 1);
          this.grantWaiting();
          reject(signal!.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiting.push(entry);
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= need;
      this.grantWaiting();
    };
  }

  /** Current share held (for tests). */
  get held(): number {
    return this.used;
  }

  private grantWaiting(): void {
    while (this.waiting.length > 0 && this.used + this.waiting[0].amount <= this.capacity) {
      const next = this.waiting.shift()!;
      this.used += next.amount;
      next.grant();
    }
  }
}
