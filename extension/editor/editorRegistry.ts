/**
 * Which webviews show which document (house style: `editorRegistry.ts`, document → webviews).
 *
 * The host owns the truth and broadcasts every change (label patches, predictions, status) to all
 * webviews of a document; each webview gets its own envelope counter. No `vscode` import: a webview is
 * anything with `postMessage`, so tests use fakes.
 */
import type { Envelope, HostToWebviewMessage } from '../protocol';

/** The part of `vscode.Webview` the host uses to talk to a webview. */
export interface WebviewLike {
  postMessage(message: unknown): Thenable<boolean> | Promise<boolean>;
}

/**
 * One webview's sending side: wraps bodies in envelopes with increasing `messageId`s. ArrayBuffers in
 * a body are serialised by VS Code as binary (engines ≥ 1.57), never as JSON arrays.
 */
export class WebviewChannel {
  private nextId = 1;
  private disposed = false;

  constructor(readonly webview: WebviewLike, readonly label: string) {}

  /** Sends one message; `inReplyTo` marks the answer to a request. Resolves false if not delivered. */
  async send(body: HostToWebviewMessage, inReplyTo?: number): Promise<boolean> {
    if (this.disposed) return false;
    const envelope: Envelope<HostToWebviewMessage> =
      inReplyTo === undefined ? { messageId: this.nextId++, body } : { messageId: this.nextId++, inReplyTo, body };
    try {
      return await this.webview.postMessage(envelope);
    } catch {
      // The panel was closed while the message was in flight.
      return false;
    }
  }

  dispose(): void {
    this.disposed = true;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }
}

/** Maps documents (any object key) to the channels of their open webviews. */
export class EditorRegistry<D extends object> {
  private readonly map = new Map<D, Set<WebviewChannel>>();

  /** Registers a channel; returns a function that unregisters it. */
  add(document: D, channel: WebviewChannel): () => void {
    let set = this.map.get(document);
    if (!set) {
      set = new Set();
      this.map.set(document, set);
    }
    set.add(channel);
    return () => {
      channel.dispose();
      const s = this.map.get(document);
      if (!s) return;
      s.delete(channel);
      if (s.size === 0) this.map.delete(document);
    };
  }

  /** Channels of a document (empty when none is open). */
  channels(document: D): WebviewChannel[] {
    return [...(this.map.get(document) ?? [])];
  }

  /** Sends a message to every webview of a document. */
  broadcast(document: D, body: HostToWebviewMessage): void {
    for (const channel of this.channels(document)) void channel.send(body);
  }

  /** All documents with at least one webview. */
  documents(): D[] {
    return [...this.map.keys()];
  }

  /** Forgets a document and all its channels. */
  delete(document: D): void {
    for (const c of this.map.get(document) ?? []) c.dispose();
    this.map.delete(document);
  }
}
