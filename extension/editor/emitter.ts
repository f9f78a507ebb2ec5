/**
 * A minimal event emitter shaped like `vscode.EventEmitter`, so host logic that fires events
 * (LabelDocument, LiveSession) runs in plain Node tests. `event` is assignable to `vscode.Event<T>`.
 */

/** Something that can be disposed (structurally a `vscode.Disposable`). */
export interface DisposableLike {
  dispose(): unknown;
}

/** An event subscription function, structurally identical to `vscode.Event<T>`. */
export type EventLike<T> = (listener: (e: T) => unknown, thisArgs?: unknown, disposables?: DisposableLike[]) => DisposableLike;

/** Fires events to subscribed listeners; a listener that throws does not stop the others. */
export class Emitter<T> {
  private listeners: ((e: T) => unknown)[] = [];

  /** Subscribe; the returned disposable unsubscribes. */
  readonly event: EventLike<T> = (listener, thisArgs, disposables) => {
    const bound = thisArgs === undefined ? listener : listener.bind(thisArgs);
    this.listeners.push(bound);
    const d = {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== bound);
      },
    };
    disposables?.push(d);
    return d;
  };

  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // A failing listener must not break the document's bookkeeping.
      }
    }
  }

  dispose(): void {
    this.listeners = [];
  }
}
