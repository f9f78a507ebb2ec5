/**
 * The webview end of the message channel: wraps bodies in the protocol's envelope, passes ArrayBuffers in
 * the transfer list, and dispatches incoming host messages. `acquireVsCodeApi()` is called exactly once,
 * by main.ts, and handed in here.
 */
import type { Envelope, HostToWebviewMessage, WebviewToHostMessage } from '../extension/protocol';

/** The subset of the VS Code webview API this page uses. */
export interface VsCodeApi {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** Sends intents to the host and receives its messages. */
export class Rpc {
  private nextId = 1;

  constructor(private readonly api: VsCodeApi, private readonly target: Window = window) {}

  /** Sends one message; buffers in `transfer` move to the host (they are detached here afterwards). */
  send(body: WebviewToHostMessage, transfer: Transferable[] = []): void {
    const envelope: Envelope<WebviewToHostMessage> = { messageId: this.nextId++, body };
    this.api.postMessage(envelope, transfer);
  }

  /** Calls `handler` for every host message (envelopes are unwrapped; bare bodies are accepted too). */
  listen(handler: (message: HostToWebviewMessage) => void): void {
    this.target.addEventListener('message', (event: MessageEvent) => {
      const data = event.data as Envelope<HostToWebviewMessage> | HostToWebviewMessage | undefined;
      if (!data || typeof data !== 'object') return;
      const body = 'body' in data && data.body && typeof data.body === 'object' ? data.body : (data as HostToWebviewMessage);
      if (typeof body.type !== 'string') return;
      handler(body);
    });
  }

  /** Forwards a log line to the host's output channel. */
  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.send({ type: 'log', level, message: message.slice(0, 10_000) });
  }
}

/**
 * The ArrayBuffer behind a received binary field. VS Code delivers ArrayBuffers, but a host that sends a
 * typed array instead would otherwise break the page, so views are copied out.
 */
export function toArrayBuffer(value: unknown): ArrayBuffer {
  if (value instanceof ArrayBuffer) return value;
  if (ArrayBuffer.isView(value)) {
    const v = value as ArrayBufferView;
    return v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) as ArrayBuffer;
  }
  throw new Error('expected binary data (ArrayBuffer)');
}
