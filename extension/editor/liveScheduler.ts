/**
 * Scheduling and cancellation of the live loop's work: a debounce timer for strokes, training runs that
 * are serialised (a new run waits for the cancelled one to unwind) and cancel each other, and prediction
 * passes (after a view change) that a new run cancels too. Cancellation is an AbortSignal handed to the
 * work; work that notices it throws an AbortError, which is never reported as a failure.
 */

/** True for the errors cancelled work throws (AbortError, a cancelled worker job). */
export function isAbort(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || /abort|cancel/i.test(e.message));
}

/** Handlers of a run's outcome. */
export interface RunHandlers {
  /** The run failed (not by cancellation). */
  onError(error: unknown): void;
  /** The run ended (done, failed or cancelled) and no newer run is waiting: the loop is idle. */
  onIdle?(): void;
}

/** Owns the timer, the abort controllers and the promise chains of one live session. */
export class LiveScheduler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private trainAbort: AbortController | undefined;
  private predictAbort: AbortController | undefined;
  private running: Promise<void> = Promise.resolve();
  private predicting: Promise<void> = Promise.resolve();
  private stopped = false;
  /** When {@link debounce} was last called (performance.now() milliseconds). */
  private lastDebounce = -Infinity;

  constructor(private readonly debounceMs: number) {}

  /** True while a training run is scheduled to run or running. */
  get training(): boolean {
    return this.trainAbort !== undefined;
  }

  /**
   * Calls `start` after the debounce delay, replacing a pending call — or at once when nothing is pending and the
   * previous call came at least the delay ago (the first stroke after a pause is not kept waiting: the delay only
   * merges strokes that follow each other closely).
   */
  debounce(start: () => void): void {
    const now = performance.now();
    const quiet = this.timer === undefined && now - this.lastDebounce >= this.debounceMs;
    this.lastDebounce = now;
    this.clearTimer();
    if (quiet) {
      start();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      start();
    }, this.debounceMs);
  }

  /** Drops a pending debounced call. */
  clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Cancels everything: the pending call, the running training run and the prediction pass. */
  cancel(): void {
    this.clearTimer();
    this.trainAbort?.abort();
    this.trainAbort = undefined;
    this.predictAbort?.abort();
    this.predictAbort = undefined;
  }

  /**
   * Starts a training run after the previous one has unwound, cancelling it (and any prediction pass) first;
   * resolves when the run has ended. A run cancelled before it starts never calls `work`.
   */
  run(work: (signal: AbortSignal) => Promise<void>, handlers: RunHandlers): Promise<void> {
    this.cancel();
    const abort = new AbortController();
    this.trainAbort = abort;
    const previous = this.running;
    this.running = (async () => {
      await previous.catch(() => undefined);
      if (abort.signal.aborted || this.stopped) return;
      try {
        await work(abort.signal);
      } catch (e) {
        if (abort.signal.aborted || isAbort(e)) return;
        handlers.onError(e);
      } finally {
        if (this.trainAbort === abort) this.trainAbort = undefined;
        if (!this.trainAbort) handlers.onIdle?.();
      }
    })();
    return this.running;
  }

  /** Starts a prediction pass unless one is running (then returns that one); a new run cancels it. */
  predict(work: (signal: AbortSignal) => Promise<void>, handlers: Pick<RunHandlers, 'onError'>): Promise<void> {
    if (this.predictAbort && !this.predictAbort.signal.aborted) return this.predicting;
    const abort = new AbortController();
    this.predictAbort = abort;
    this.predicting = work(abort.signal)
      .catch((e) => {
        if (abort.signal.aborted || isAbort(e)) return;
        handlers.onError(e);
      })
      .finally(() => {
        if (this.predictAbort === abort) this.predictAbort = undefined;
      });
    return this.predicting;
  }

  /** The latest training run (resolves when it has ended; never rejects). */
  lastRun(): Promise<void> {
    return this.running.catch(() => undefined);
  }

  /** Cancels everything for good: no run starts afterwards. */
  stop(): void {
    this.stopped = true;
    this.cancel();
  }
}
