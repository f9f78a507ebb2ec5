/**
 * Handles the messages of every webview showing one {@link LabelDocument}: validates them, answers
 * requests (planes, labels) and turns intents (paint, classes, features, live update) into document
 * changes, which are broadcast to all webviews of the document (the host owns the truth).
 *
 * No runtime `vscode` import: dialogs and settings are injected, so this is tested with fake webviews.
 */
import { planeSizeOf } from '../core/views/slicePlane';
import { labelTile } from '../core/labels/labelTile';
import { tileRect } from './tileRect';
import { labelSlice } from '../core/labels/tools/toolEdits';
import type { ClassifierStatus, EditorSettings, HostToWebviewMessage, LabelToolMessage, PixelBox, WebviewToHostMessage } from '../protocol';

/** A fill larger than this many pixels asks first (issue #16). */
export const FILL_CONFIRM_PIXELS = 1_000_000;
import type { DocumentChange, LabelDocument } from './labelDocument';
import { exactBuffer } from './labelDocument';
import type { EditorRegistry, WebviewChannel } from './editorRegistry';
import { validateWebviewMessage } from './messageValidation';
import { errorText, type Logger } from './logger';
import { Emitter } from './emitter';
import type { DisposableLike } from './emitter';
import { computeFeaturePreview } from './featurePreview';
import { inlineCompute, type LiveCompute } from './liveCompute';

/** The live training/prediction loop as the controller sees it (see liveSession.ts). */
export interface LiveLoop extends DisposableLike {
  /** Current status for `init`. */
  status(): ClassifierStatus;
  enabled: boolean;
  /** Labels, classes or features changed: predictions are stale; retrain (debounced) when live. */
  invalidate(reason: 'labels' | 'classes' | 'features' | 'reloaded'): void;
  /** Retrain and predict now (the "Update now" button). */
  updateNow(): void;
  /** The visible region of a webview changed: predict it first. */
  setView(t: number, z: number, box: PixelBox, cursor?: { y: number; x: number }): void;
  /** Navigate to the most uncertain region of the current plane (predicting it first if needed). */
  goToMostUncertain(): Promise<void>;
  /** The document was saved: persist the model cache when it matches the saved labels. */
  afterSave(): Promise<void>;
  /** Sends the current predictions to a (re-created) webview after its `init`. */
  replay(send: (message: HostToWebviewMessage) => void): void;
  /** The current forest (serializeForest bytes) and its training hash, when one is trained. */
  currentModel?(): { bytes: Uint8Array; hash: string } | undefined;
}

/** Environment of a controller. */
export interface DocumentControllerDeps {
  logger: Logger;
  /** Current editor settings (configuration + workspace trust). */
  settings(): EditorSettings;
  /** Asks a yes/no question in a modal dialog; resolves true for yes. */
  confirm(message: string, detail: string, yes: string): Promise<boolean>;
  /** Creates the live loop of the document (omitted in viewer-only tests). */
  createLive?(controller: DocumentController): LiveLoop;
  /** Computes feature previews (the worker pool in the extension; inline when omitted). */
  previewCompute?: LiveCompute;
}

/** Routes validated webview messages of one document. */
export class DocumentController implements DisposableLike {
  /** The live loop, when the environment provides one. */
  readonly live: LiveLoop | undefined;
  /** Label planes some webview asked for; re-sent after a reload. */
  private readonly shownLabelPlanes = new Set<string>();
  private readonly subscriptions: DisposableLike[] = [];
  /** Questions shown in the editor's banner, by id, until answered (re-sent to a re-created webview). */
  private readonly questions = new Map<string, { message: string; actions: string[]; resolve: (action: string | undefined) => void }>();
  private nextQuestion = 1;
  /** The feature preview being computed: a newer request cancels it. */
  private preview: AbortController | undefined;

  constructor(
    readonly document: LabelDocument,
    private readonly registry: EditorRegistry<LabelDocument>,
    private readonly deps: DocumentControllerDeps,
  ) {
    this.subscriptions.push(document.onDidChange((change) => this.onDocumentChange(change)));
    this.live = deps.createLive?.(this);
    if (this.live) this.live.enabled = deps.settings().liveUpdate;
  }

  private lastState: ClassifierStatus['state'] = 'idle';
  private readonly _onDidTrain = new Emitter<void>();
  /** Fires when a training run of the live loop has finished (the classifier changed). */
  readonly onDidTrain = this._onDidTrain.event;

  /** Sends a message to every webview of the document. */
  broadcast(body: HostToWebviewMessage): void {
    if (body.type === 'status/update') {
      const state = body.status.state;
      if (this.lastState === 'training' && state !== 'training' && state !== 'error') this._onDidTrain.fire();
      this.lastState = state;
    }
    this.registry.broadcast(this.document, body);
  }

  /**
   * Asks a question that can wait in the editor's banner instead of a toast (issue #14): resolves with the
   * chosen action, or undefined when the banner is dismissed or the editor closes.
   */
  ask(message: string, actions: string[]): Promise<string | undefined> {
    const questionId = `q${this.nextQuestion++}`;
    return new Promise((resolve) => {
      this.questions.set(questionId, { message, actions: [...actions], resolve });
      this.broadcast({ type: 'notice/show', message, questionId, actions });
    });
  }

  private answer(questionId: string, action: string | undefined): void {
    const question = this.questions.get(questionId);
    if (!question) return; // answered already (another webview of the document), or unknown
    if (action !== undefined && !question.actions.includes(action)) {
      this.deps.logger.warn(`${this.document.fileName}: ignoring an answer that was not offered: ${JSON.stringify(action)}`);
      return;
    }
    this.questions.delete(questionId);
    question.resolve(action);
  }

  /** One use of a labelling tool (issue #16); a huge fill asks first. */
  private async runTool(body: LabelToolMessage): Promise<void> {
    const doc = this.document;
    switch (body.tool) {
      case 'fill': {
        const limit = body.confirmed ? Infinity : FILL_CONFIRM_PIXELS;
        const orientation = body.orientation ?? 'xy';
        const result = doc.tools.fill(body.t, body.z, body.column, body.row, body.classId, body.preserveLabels, limit, orientation);
        if (!result.tooLarge) return;
        const where = result.tooLarge.touchesBorder ? ' The region reaches the image border.' : '';
        const ok = await this.deps.confirm(
          `Fill more than ${FILL_CONFIRM_PIXELS.toLocaleString('en-US')} pixels?`,
          `The clicked region of ${doc.fileName} is larger than ${FILL_CONFIRM_PIXELS.toLocaleString('en-US')} pixels.${where} You can undo the fill.`,
          'Fill',
        );
        if (ok) doc.tools.fill(body.t, body.z, body.column, body.row, body.classId, body.preserveLabels, Infinity, orientation);
        return;
      }
      case 'polygon':
        doc.tools.polygon(body.t, body.z, body.classId, new Float32Array(body.points), body.preserveLabels, body.orientation);
        return;
      case 'wand':
        await doc.tools.wand(body.t, body.z, body.c, body.column, body.row, body.tolerance, body.box, body.classId, body.preserveLabels, body.orientation);
        return;
      case 'superpixel':
        await doc.tools.superpixelStroke(body.t, body.z, body.c, body.classId, body.brushSize, new Float32Array(body.points), body.preserveLabels, body.orientation);
        return;
    }
  }

  /** Current settings (also consulted by the live loop). */
  settings(): EditorSettings {
    const s = this.deps.settings();
    return { ...s, liveUpdate: this.live ? this.live.enabled : s.liveUpdate };
  }

  /**
   * Entry point for a raw message from `channel`'s webview. Invalid messages are rejected with a log
   * line; handler failures are logged and reported to that webview; nothing is thrown.
   */
  async handle(channel: WebviewChannel, raw: unknown): Promise<void> {
    const tiling = this.document.tiling();
    const result = validateWebviewMessage(raw, {
      shape: this.document.shape, nClasses: this.document.project.classes.length,
      ...(tiling ? { levels: tiling.levels, tileSize: tiling.tileSize } : {}),
    });
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

  /** Status shown when no live loop exists or before anything has been trained. */
  status(): ClassifierStatus {
    if (this.live) return this.live.status();
    return {
      state: 'idle',
      progress: 0,
      labelCounts: this.document.labelCounts(),
      featureChannels: 0,
      featureMemoryBytes: 0,
    };
  }

  private readOnlyGuard(channel: WebviewChannel, type: string): boolean {
    if (!this.deps.settings().readOnly) return false;
    const message = `${this.document.fileName}: ${type} is disabled: the workspace is not trusted or the file is read-only`;
    this.deps.logger.warn(message);
    void channel.send({ type: 'error/show', message, fatal: false });
    return true;
  }

  private async dispatch(channel: WebviewChannel, body: WebviewToHostMessage, messageId: number): Promise<void> {
    const doc = this.document;
    switch (body.type) {
      case 'ready':
        await this.sendInit(channel);
        return;
      case 'image/requestPlane': {
        const orientation = body.orientation ?? 'xy';
        const plane = await doc.readDisplayPlane(body.t, body.z, body.c, orientation);
        const { width, height } = planeSizeOf(doc.shape!, orientation);
        await channel.send(
          {
            type: 'image/plane', ...(body.orientation ? { orientation: body.orientation } : {}), t: body.t, z: body.z, c: body.c, width, height,
            dtype: doc.descriptor()!.dtype, data: exactBuffer(plane.data), stats: plane.stats,
          },
          messageId,
        );
        return;
      }
      case 'image/requestTile': {
        const started = Date.now();
        const tile = await doc.readTile(body.t, body.z, body.c, body.level, body.column, body.row);
        const took = Date.now() - started;
        if (took > 500) this.deps.logger.info(`${doc.fileName}: tile ${body.level}/${body.column}/${body.row} took ${took} ms`);
        await channel.send({
          type: 'image/tile', t: body.t, z: body.z, c: body.c, level: body.level, column: body.column, row: body.row,
          width: tile.width, height: tile.height, dtype: doc.descriptor()!.dtype, data: exactBuffer(tile.data), stats: tile.stats,
          ...(tile.statsPartial ? { statsPartial: true } : {}),
        }, messageId);
        return;
      }
      case 'labels/requestTile': {
        const tiling = doc.tiling()!;
        const ref = tileRect(tiling, body.level, body.column, body.row);
        const data = labelTile(doc.labels!, body.t, body.z, ref.box, ref.scale, ref.width, ref.height);
        await channel.send({
          type: 'labels/tile', t: body.t, z: body.z, level: body.level, column: body.column, row: body.row, width: ref.width, height: ref.height,
          data: exactBuffer(data),
        }, messageId);
        return;
      }
      case 'labels/requestPlane': {
        const labels = doc.labels!;
        const orientation = body.orientation ?? 'xy';
        if (orientation === 'xy') this.shownLabelPlanes.add(`${body.t}/${body.z}`);
        const { width, height } = planeSizeOf(labels.shape, orientation);
        await channel.send(
          {
            type: 'labels/plane', ...(body.orientation ? { orientation: body.orientation } : {}), t: body.t, z: body.z, width, height,
            data: exactBuffer(labelSlice(labels, { orientation, t: body.t, index: body.z })),
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
      case 'labels/paint':
        if (this.readOnlyGuard(channel, 'painting')) return;
        doc.paint(body.t, body.z, body.classId, body.brushSize, new Float32Array(body.points), body.preserveLabels === true, body.orientation);
        return;
      case 'labels/tool':
        if (this.readOnlyGuard(channel, 'labelling')) return;
        await this.runTool(body);
        return;
      case 'labels/copySlice':
        if (this.readOnlyGuard(channel, 'labelling')) return;
        doc.tools.copySlice(body.t, body.fromZ, body.toZ, body.preserveLabels, body.orientation);
        return;
      case 'classes/add':
        if (this.readOnlyGuard(channel, 'adding a class')) return;
        doc.addClass();
        return;
      case 'classes/rename':
        if (this.readOnlyGuard(channel, 'renaming a class')) return;
        doc.renameClass(body.classId, body.name);
        return;
      case 'classes/recolor':
        if (this.readOnlyGuard(channel, 'recolouring a class')) return;
        doc.recolorClass(body.classId, body.color);
        return;
      case 'classes/delete': {
        if (this.readOnlyGuard(channel, 'deleting a class')) return;
        const cls = doc.project.classes[body.classId - 1];
        const count = doc.labelCounts()[body.classId] ?? 0;
        const ok = await this.deps.confirm(
          `Delete class "${cls.name}"?`,
          `Its ${count} labelled pixel(s) in ${doc.fileName}${doc.project.images.length > 1 ? ' and its labels in the other images of the project' : ''} are removed. You can undo this.`,
          'Delete',
        );
        // The class list may have changed while the dialog was open.
        if (!ok || doc.project.classes[body.classId - 1] !== cls) return;
        doc.deleteClass(body.classId);
        return;
      }
      case 'features/set':
        if (this.readOnlyGuard(channel, 'changing features')) return;
        try {
          doc.setFeatures(body.features);
        } finally {
          // Tell the webview what the host accepted (it may have sent something invalid).
          await channel.send({ type: 'features/update', features: doc.features });
        }
        return;
      case 'live/set':
        if (this.live) {
          this.live.enabled = body.enabled;
          this.broadcast({ type: 'settings/update', settings: this.settings() });
          if (body.enabled) this.live.invalidate('labels');
        }
        return;
      case 'live/updateNow':
        if (this.readOnlyGuard(channel, 'training')) return;
        this.live?.updateNow();
        return;
      case 'view/changed':
        this.live?.setView(body.t, body.z, body.box, body.cursor);
        return;
      case 'notice/answer':
        this.answer(body.questionId, body.action);
        return;
      case 'image/setPixelSize':
        if (this.readOnlyGuard(channel, 'setting the pixel size')) return;
        doc.setPixelSize(body.pixelSize);
        return;
      case 'navigate/mostUncertain':
        if (this.readOnlyGuard(channel, 'training')) return;
        await this.live?.goToMostUncertain();
        return;
      case 'features/preview': {
        this.preview?.abort();
        const abort = (this.preview = new AbortController());
        try {
          const preview = await computeFeaturePreview(doc.image!, this.deps.previewCompute ?? inlineCompute(), body, abort.signal,
            doc.project.features.scaleUnit === 'physical' ? { featureImage: doc.featureImage()! } : undefined);
          if (abort.signal.aborted) return;
          await channel.send({
            type: 'features/previewImage', requestId: body.requestId, t: body.t, z: body.z, box: body.box,
            name: preview.name, data: exactBuffer(preview.data), min: preview.min, max: preview.max,
          }, messageId);
        } catch (e) {
          if (abort.signal.aborted) return; // superseded by a newer preview: not an error
          throw e;
        } finally {
          if (this.preview === abort) this.preview = undefined;
        }
        return;
      }
      default: {
        const never: never = body;
        this.deps.logger.warn(`${doc.fileName}: unhandled message ${(never as { type: string }).type}`);
      }
    }
  }

  private onDocumentChange(change: DocumentChange): void {
    const doc = this.document;
    switch (change.kind) {
      case 'labels': {
        const labels = doc.labels!;
        const labelCount = labels.labelledCount();
        for (const p of change.patches) {
          const { column, row, width, height } = p.box;
          const data = new Uint8Array(width * height);
          for (let r = 0; r < height; r++) data.set(labels.row(p.t, p.z, row + r).subarray(column, column + width), r * width);
          this.broadcast({ type: 'labels/patch', t: p.t, z: p.z, box: p.box, data: data.buffer, labelCount });
        }
        this.live?.invalidate('labels');
        break;
      }
      case 'classes':
        this.broadcast({ type: 'classes/update', classes: doc.classes });
        this.live?.invalidate('classes');
        break;
      case 'features':
        this.broadcast({ type: 'features/update', features: doc.features });
        this.live?.invalidate('features');
        break;
      case 'reloaded': {
        this.broadcast({ type: 'project/file', projectFile: doc.projectFile ? doc.relativeProjectFile() : '' });
        this.broadcast({ type: 'classes/update', classes: doc.classes });
        this.broadcast({ type: 'features/update', features: doc.features });
        const labels = doc.labels;
        if (labels) {
          const labelCount = labels.labelledCount();
          for (const key of this.shownLabelPlanes) {
            const [t, z] = key.split('/').map(Number);
            const box = { column: 0, row: 0, width: labels.shape.x, height: labels.shape.y };
            this.broadcast({ type: 'labels/patch', t, z, box, data: exactBuffer(labels.plane(t, z).slice()), labelCount });
          }
        }
        for (const w of doc.warnings) this.broadcast({ type: 'error/show', message: w, fatal: false });
        this.live?.invalidate('reloaded');
        break;
      }
      case 'notice':
        this.broadcast({ type: 'notice/show', message: change.message });
        break;
      case 'pixelSize':
        this.broadcast({ type: 'image/pixelSize', pixelSize: doc.pixelSize() });
        // Feature scales in physical units depend on the pixel size (issue #15): new kernels, retrain.
        if (doc.project.features.scaleUnit === 'physical') this.live?.invalidate('features');
        break;
      case 'image':
        // New pixels (maybe a new dtype or channel count): drop features and predictions first, then every
        // webview starts over with a fresh `init` (it re-requests planes; the labels are unchanged).
        this.live?.invalidate('reloaded');
        for (const channel of this.registry.channels(doc)) void this.sendInit(channel);
        break;
    }
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
      classes: doc.classes,
      features: doc.features,
      settings: this.settings(),
      status: this.status(),
      projectFile: doc.projectFile ? doc.relativeProjectFile() : '',
      warnings: [...doc.warnings],
    });
    // A webview re-created after being hidden (no retainContextWhenHidden) gets the predictions again,
    // and the questions still waiting for an answer.
    this.live?.replay((message) => void channel.send(message));
    for (const [questionId, q] of this.questions) void channel.send({ type: 'notice/show', message: q.message, questionId, actions: q.actions });
  }

  dispose(): void {
    this._onDidTrain.dispose();
    for (const q of this.questions.values()) q.resolve(undefined);
    this.questions.clear();
    this.preview?.abort();
    for (const s of this.subscriptions) s.dispose();
    this.live?.dispose();
  }
}
