/**
 * Watches the image file of an open document (issue #7: "the image file changes or disappears while
 * open: the editor says so and keeps labels").
 *
 * - changed (or re-created after a deletion): a warning banner in every webview of the document, a log
 *   line and a VS Code notification naming the file, offering "Reload Image" (LabelDocument.reloadImage:
 *   new pixels, same labels). Until then the editor keeps showing the pixels it read.
 * - deleted or moved away: the same banner, log line and notification; labels stay in memory, the editor
 *   stays dirty/undoable and saving still writes them to the project (the image's sha256 was taken at open).
 *
 * Labels are never touched here. File system events come in bursts (an editor writing a file fires
 * several), so events are debounced and the file's size and modification time decide what happened: an
 * event that leaves both as they were (e.g. a permission change) says nothing. No runtime
 * `vscode` import: the watcher, the notification and `stat` are injected, so this is tested with fakes.
 */
import * as path from 'node:path';
import { files as fs } from '../core/platform/platform';
import type { DisposableLike } from './emitter';
import type { Logger } from './logger';
import type { LabelDocument } from './labelDocument';
import type { HostToWebviewMessage } from '../protocol';

/** The part of `vscode.FileSystemWatcher` used. */
export interface FileWatcherLike extends DisposableLike {
  onDidChange(listener: () => unknown): DisposableLike;
  onDidCreate(listener: () => unknown): DisposableLike;
  onDidDelete(listener: () => unknown): DisposableLike;
}

/** What identifies a version of the file on disk. */
export interface FileVersion {
  size: number;
  mtimeMs: number;
}

/** Environment of an {@link ImageFileWatch}. */
export interface ImageFileWatchDeps {
  /** A watcher of exactly the document's image file (created by the caller, disposed with the watch). */
  watcher: FileWatcherLike;
  logger: Logger;
  /** Sends a message to every webview of the document. */
  broadcast(body: HostToWebviewMessage): void;
  /** Shows a non-modal warning with buttons; resolves with the chosen one (undefined when dismissed). */
  notify(message: string, ...actions: string[]): PromiseLike<string | undefined>;
  /** Size and mtime of a file, or undefined when it does not exist. */
  stat(file: string): Promise<FileVersion | undefined>;
  /** Quiet time after the last event before the file is looked at. @default 300 */
  settleMs?: number;
}

/** Size and mtime of a file, undefined when it is missing (the default `stat`). */
export async function statVersion(file: string): Promise<FileVersion | undefined> {
  try {
    const s = await fs.stat(file);
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return undefined;
  }
}

/** Button of the "changed" notification. */
export const RELOAD_IMAGE = 'Reload Image';

/** What the watch last reported. */
export type ImageFileState = 'unchanged' | 'changed' | 'deleted';

/** Watches one document's image file; create it after the document opened, dispose it with the document. */
export class ImageFileWatch implements DisposableLike {
  /** What the file on disk looks like compared with the pixels the editor shows. */
  state: ImageFileState = 'unchanged';
  private known: FileVersion | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private checking: Promise<void> = Promise.resolve();
  private readonly subscriptions: DisposableLike[];
  private disposed = false;
  /** Resolves once the initial version of the file has been recorded. */
  readonly ready: Promise<void>;

  constructor(private readonly document: LabelDocument, private readonly deps: ImageFileWatchDeps) {
    const onEvent = () => this.schedule();
    this.subscriptions = [deps.watcher.onDidChange(onEvent), deps.watcher.onDidCreate(onEvent), deps.watcher.onDidDelete(onEvent)];
    this.ready = deps.stat(document.imageFile).then((v) => { this.known ??= v; }, () => undefined);
  }

  private schedule(): void {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.check();
    }, this.deps.settleMs ?? 300);
  }

  /** Looks at the file now and reports what changed (events are serialized). Resolves when reported. */
  check(): Promise<void> {
    this.checking = this.checking.then(() => this.checkNow()).catch((e) => {
      this.deps.logger.warn(`${this.document.fileName}: checking the image file failed: ${e instanceof Error ? e.message : String(e)}`);
    });
    return this.checking;
  }

  private async checkNow(): Promise<void> {
    await this.ready;
    if (this.disposed || this.document.isDisposed) return;
    const now = await this.deps.stat(this.document.imageFile).catch(() => undefined);
    const name = this.document.fileName;
    const project = this.document.projectFile ? path.basename(this.document.projectFile) : 'the project';
    if (!now) {
      if (this.state === 'deleted') return;
      this.state = 'deleted';
      this.known = undefined;
      this.report(
        `${name} was deleted or moved on disk while open. Your labels are kept: they stay in the editor and saving still writes ` +
          `them to ${project}. The editor shows the pixels it had read.`,
      );
      return;
    }
    const same = this.known && this.known.size === now.size && this.known.mtimeMs === now.mtimeMs;
    if (same && this.state !== 'deleted') return;
    const was = this.state;
    this.known = now;
    this.state = 'changed';
    const what = was === 'deleted' ? 'is back on disk' : 'changed on disk while open';
    this.report(
      `${name} ${what}. Your labels are kept; the editor still shows the pixels it had read. ` +
        `Choose "${RELOAD_IMAGE}" to read the new pixels (the labels stay where they are).`,
      RELOAD_IMAGE,
    );
  }

  /** Banner in the webviews + log line + notification; runs the reload when asked. */
  private report(message: string, ...actions: string[]): void {
    this.deps.logger.warn(message);
    this.deps.broadcast({ type: 'error/show', message, fatal: false });
    void Promise.resolve(this.deps.notify(message, ...actions)).then(async (choice) => {
      if (choice === RELOAD_IMAGE && !this.disposed && !this.document.isDisposed) await this.reload();
    }, () => undefined);
  }

  /**
   * Reads the image again (keeping the labels) and says how it went (failures also as a banner and a
   * notification). The file's version is taken before reading, so a file still being written is
   * reported again when it settles.
   */
  async reload(): Promise<{ ok: boolean; message: string }> {
    const before = await this.deps.stat(this.document.imageFile).catch(() => undefined);
    const result = await this.document.reloadImage();
    if (result.ok) {
      this.known = before;
      this.state = 'unchanged';
    } else {
      this.deps.broadcast({ type: 'error/show', message: result.message, fatal: false });
      void this.deps.notify(result.message);
    }
    return result;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.deps.watcher.dispose();
  }
}
