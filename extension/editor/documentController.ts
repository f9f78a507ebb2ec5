/**
 * Handles the messages of every webview showing one {@link LabelDocument}: validates them, answers
 * requests (planes, labels) and turns intents (paint, classes, features, live update) into document
 * changes that are broadcast to all webviews of the document.
 *
 * No runtime `vscode` import: dialogs and settings are injected, so this is tested with fake webviews.
 */
import type { ClassifierStatus, EditorSettings, HostToWebviewMessage, WebviewToHostMessage } from '../protocol';
import type { LabelDocument } from './labelDocument';
import { exactBuffer } from './labelDocument';
import type { EditorRegistry, WebviewChannel } from './editorRegistry';
import { validateWebviewMessage } from './messageValidation';
import { errorText, type Logger } from './logger';

/** Environment of a controller. */
export interface DocumentControllerDeps {
  logger: Logger;
  /** Current editor settings (configuration + workspace trust). */
  settings(): EditorSettings;
}

/** Routes validated webview messages of one document. */
export class DocumentController {
  constructor(
    readonly document: LabelDocument,
    private readonly registry: EditorRegistry<LabelDocument>,
    private readonly deps: DocumentControllerDeps,
  ) {}

  /** Sends a message to every webview of the document. */
  broadcast(body: HostToWebviewMessage): void {
    this.registry.broadcast(this.document, body);
  }

  /**
   * Entry point for a raw message from `channel`'s webview. Invalid messages are rejected with a log
   * line; handler failures are logged and reported to that webview; nothing is thrown.
   */
  async handle(channel: WebviewChannel, raw: unknown): Promise<void> {
    const result = validateWebviewMessage(raw, { shape: this.document.shape, nClasses: this.document.classes.length });
    if (!result.ok) {
      this.deps.logger.warn(`Rejected message from the webview of ${this.document.fileName}: ${result.reason}`);
      return;
    }
    const { messageId, body } = result.envelope;
    try {
      await this.dispatch(channel, body, messageId);
    } catch (e) {
      const message = `${this.document.fileName}: ${body.type} failed: ${errorText(e)}`;
      this.deps.logger.error(message);
      await channel.send({ type: 'error/show', message, fatal: false });
    }
  }

  /** Status shown before anything has been trained. */
  protected initialStatus(): ClassifierStatus {
    return {
      state: 'idle',
      progress: 0,
      labelCounts: new Array(this.document.classes.length + 1).fill(0),
      featureChannels: 0,
      featureMemoryBytes: 0,
    };
  }

  protected async dispatch(channel: WebviewChannel, body: WebviewToHostMessage, messageId: number): Promise<void> {
    const doc = this.document;
    switch (body.type) {
      case 'ready':
        await this.sendInit(channel);
        return;
      case 'image/requestPlane': {
        const plane = await doc.readDisplayPlane(body.t, body.z, body.c);
        const shape = doc.shape!;
        await channel.send(
          {
            type: 'image/plane',
            t: body.t,
            z: body.z,
            c: body.c,
            width: shape.x,
            height: shape.y,
            dtype: doc.descriptor()!.dtype,
            data: exactBuffer(plane.data),
            stats: plane.stats,
          },
          messageId,
        );
        return;
      }
      case 'log': {
        const line = `webview (${doc.fileName}): ${body.message}`;
        if (body.level === 'error') this.deps.logger.error(line);
        else if (body.level === 'warn') this.deps.logger.warn(line);
        else this.deps.logger.info(line);
        return;
      }
      default:
        await this.dispatchEditing(channel, body, messageId);
    }
  }

  /** Editing intents; extended by later steps (labels, classes, live loop). */
  protected async dispatchEditing(_channel: WebviewChannel, body: WebviewToHostMessage, _messageId: number): Promise<void> {
    this.deps.logger.info(`${this.document.fileName}: ${body.type} is not handled yet`);
  }

  /** Answers `ready`: `init` (or a fatal error when the image could not be opened). */
  async sendInit(channel: WebviewChannel): Promise<void> {
    const doc = this.document;
    const image = doc.descriptor();
    if (!image) {
      await channel.send({ type: 'error/show', message: doc.imageError ?? `${doc.fileName}: cannot be opened`, fatal: true });
      return;
    }
    await channel.send({
      type: 'init',
      image,
      classes: doc.classes.map((c) => ({ ...c })),
      features: doc.features ?? { scales: [], selected: {} },
      settings: this.deps.settings(),
      status: this.initialStatus(),
      projectFile: '',
      warnings: [...doc.warnings],
    });
  }
}
