/**
 * The CustomDocument of the Pixel Classifier editor: one open image plus its labelling state
 * (house style: `labelDocument.ts`).
 *
 * The document owns the truth: the image (lazy planes), the project (classes, feature selection,
 * classifier settings, other images' labels) and the label volume of this image. Webviews only send
 * intents. Every change is an invertible edit reported through {@link LabelDocument.onDidEdit}
 * (`{label, undo, redo}` for VS Code's undo stack) and {@link LabelDocument.onDidChange} (what to
 * broadcast / retrain). Label edits store only touched pixels with previous and next values
 * (extension/core/labels/labelEdit.ts).
 *
 * No runtime `vscode` import (a CustomDocument is structurally `{ uri, dispose() }`), so the whole
 * document — edits, undo/redo, save, revert, backup — is unit tested in Node.
 */
import type { Orientation } from '../core/views/slicePlane';
import type { TiledImage } from '../protocol';
import type * as vscode from 'vscode';
import { files as fs } from '../core/platform/platform';
import * as path from 'node:path';
import type { ImageSource } from '../core/image/imageModel';
import { selectionDefaultLight, type FeatureSelection } from '../core/features/featureSet';
import { assignLabels, createLabelStore, sameLabels, type LabelStore } from '../core/labels/labelVolume';
import { applyEdit, editPatches, revertEdit, type EditPatch, type LabelEdit } from '../core/labels/labelEdit';
import { imageDisplayName, splitHdf5Path } from '../core/image/hdf5Path';
import { DocumentLabelTools } from './documentLabelTools';
import { decodeLabels, encodeLabels, type EncodedLabels } from '../core/labels/labelRle';
import { createProject, defaultClass, PROJECT_SUFFIX, type PixelClassifierProject, type ProjectClass, type ProjectImage } from '../project/projectSchema';
import { ProjectError, readProject, writeProject, findProjectImage } from '../project/projectFile';
import { ProjectSession, type ProjectMember } from '../project/projectSession';
import { ProjectSessions } from '../project/projectSessions';
import { mergeSavedLabelsInto } from '../core/labels/mergeSavedLabels';
import type { FeatureSelectionData, ImageDescriptor, LabelClass, PixelSizeData } from '../protocol';
import { pixelSizeFromMetadata } from '../core/image/pixelSize';
import { featureImageOf } from '../core/features/featureImageOf';
import type { FeatureImage } from '../core/features/selectionForImage';
import { DocumentImage, imageErrorMessage, type DisplayPlane, type ImageOpener } from './documentImage';
import { addClassEdit, recolorClassEdit, removeClassEdit, renameClassEdit, setFeaturesEdit, type DocumentEdit, type ProjectEditTarget } from './projectEdits';
import { Emitter } from './emitter';
import { errorText, type Logger } from './logger';
import { defaultProjectFile, locateProject, relativeImagePath } from './projectLocator';
import { readBackup, writeBackup, type DocumentBackup } from './backup';

export { imageErrorMessage, type DisplayPlane, type ImageOpener };

/** What a document needs from its environment. */
export interface LabelDocumentDeps {
  openImage: ImageOpener;
  logger: Logger;
  /** Memory limit passed to the image decoder (bytes). */
  memoryLimitBytes?: number;
  /** Budget of the decoded display-plane cache in bytes. @default 256 MiB */
  planeCacheBytes?: number;
  /** Planes with more pixels than this are shown as tiles (issue #13). @default TILED_VIEW_PIXELS */
  tiledAbovePixels?: number;
  /** Label volumes up to this many voxels are dense, bigger ones block-sparse (issue #13). @default DENSE_LABEL_VOXELS */
  denseLabelVoxels?: number;
  /** Image files up to this many bytes are hashed at open, bigger ones later (issue #13). @default 256 MiB */
  earlyHashBytes?: number;
  /** Delay before a bigger file is hashed (ms). @default 20 s */
  lateHashDelayMs?: number;
  /** Version written to project provenance. @default '0.0.0' */
  extensionVersion?: string;
  /** Trees of a new project. @default 100 */
  defaultTrees?: number;
  /**
   * The registry of shared projects (one per project file). The extension passes one with a file watcher;
   * without it a process-wide registry without watching is used.
   */
  sessions?: ProjectSessions;
}

let defaultSessions: ProjectSessions | undefined;
/** Shared projects of documents opened without an explicit registry (unit tests): no file watching. */
function fallbackSessions(): ProjectSessions {
  defaultSessions ??= new ProjectSessions({
    watch: () => ({ dispose: () => undefined }),
    extensionVersion: '0.0.0',
    newProject: () => createProject(selectionDefaultLight(), '0.0.0'),
  });
  return defaultSessions;
}

export type { DocumentEdit };

/** What changed, so the controller knows what to broadcast and whether predictions are stale. */
export type DocumentChange =
  | { kind: 'labels'; patches: EditPatch[] }
  | { kind: 'classes' }
  | { kind: 'features' }
  /** Everything may have changed (revert, project adopted, backup restored, project reloaded or merged from disk). */
  | { kind: 'reloaded' }
  /** Something to tell the user in the editor's banner (e.g. the project was reloaded from disk). */
  | { kind: 'notice'; message: string }
  /** The pixel size was set, reset or undone. */
  | { kind: 'pixelSize' }
  /** The image was read again from disk ({@link LabelDocument.reloadImage}); labels are unchanged. */
  | { kind: 'image' };

/** The editor's document: one image, a member of the shared project of its project file. */
export class LabelDocument implements ProjectMember {
  /** Absolute path of the image file. */
  readonly imagePath: string;
  /** The image file: opened source, error, hash and display planes. */
  private readonly pixels: DocumentImage;
  /** Labels of this image, (t, z, row, column); undefined when the image could not be opened. */
  labels: LabelStore | undefined;
  /** Where {@link save} writes the project. */
  projectFile: string;
  /** The shared project of {@link projectFile} (undefined only while opening). */
  session: ProjectSession | undefined;
  /** A problem of this image with the project (shape mismatch, bad labels); saving is refused. */
  private ownProjectError: ProjectError | undefined;
  /** Projects of the same folder this image could be added to (offered to the user once). */
  candidates: string[] = [];
  /** Warnings shown in the editor (project problems, hash mismatch, …). */
  readonly warnings: string[] = [];

  private readonly _onDidDispose = new Emitter<void>();
  /** Fires once when the document is disposed (all its editors closed). */
  readonly onDidDispose = this._onDidDispose.event;
  private readonly _onDidEdit = new Emitter<DocumentEdit>();
  /** Fires for every undoable change (for VS Code's undo stack and dirty marker). */
  readonly onDidEdit = this._onDidEdit.event;
  private readonly _onDidChange = new Emitter<DocumentChange>();
  /** Fires after every change, including undo, redo and revert. */
  readonly onDidChange = this._onDidChange.event;
  private disposed = false;

  protected constructor(readonly uri: vscode.Uri, protected readonly deps: LabelDocumentDeps, imagePath = uri.fsPath) {
    this.imagePath = imagePath;
    this.pixels = new DocumentImage(this.imagePath, deps);
    this.projectFile = '';
  }

  /**
   * The shared project: classes, features, classifier and export settings, image entries, and every image's
   * labels as last saved. This image's current labels are {@link labels}; {@link snapshot} merges them in.
   */
  /** The opened image, or undefined when it could not be read (see {@link imageError}). */
  get image(): ImageSource | undefined {
    return this.pixels.source;
  }

  /** Why the image could not be opened: one sentence naming the file. */
  get imageError(): string | undefined {
    return this.pixels.error;
  }

  get project(): PixelClassifierProject {
    return this.shared.project;
  }

  /** The shared project; every opened document has joined one (open() always does). */
  private get shared(): ProjectSession {
    if (!this.session) throw new Error(`${this.fileName}: the project is not open yet`);
    return this.session;
  }

  /** Why the project cannot be saved to: the file on disk is malformed, or this image does not fit it. */
  get projectError(): ProjectError | undefined {
    return this.ownProjectError ?? this.session?.error;
  }

  private get sessions(): ProjectSessions {
    return this.deps.sessions ?? fallbackSessions();
  }

  /** Joins the shared project of `file` (leaving the previous one). */
  private async joinSession(file: string): Promise<ProjectSession> {
    const previous = this.session;
    const session = await this.sessions.acquire(file);
    if (previous) {
      previous.detach(this);
      void this.sessions.release(previous);
    }
    this.session = session;
    this.projectFile = file;
    session.attach(this);
    return session;
  }

  /**
   * Opens the image of `uri` and its project (or a hot-exit backup when `backupFile` is given). Never
   * throws for a bad image or project: errors are kept ({@link imageError}, {@link projectError}),
   * logged, and shown by the editor.
   */
  static async open(uri: vscode.Uri, deps: LabelDocumentDeps, backupFile?: string, imagePath?: string): Promise<LabelDocument> {
    const doc = new LabelDocument(uri, deps, imagePath);
    await doc.loadImage();
    let restored = false;
    if (backupFile) restored = await doc.restoreBackup(backupFile);
    if (!restored) await doc.loadProject();
    return doc;
  }

  /** The file on disk holding the image (the HDF5 file for an HDF5 dataset). */
  get imageFile(): string {
    return splitHdf5Path(this.imagePath)?.file ?? this.imagePath;
  }

  /** File name of the image (no directory; `file.h5/dataset` for an HDF5 dataset). */
  get fileName(): string {
    return imageDisplayName(this.imagePath);
  }

  /** Path of this image relative to the project folder (forward slashes). */
  get relativePath(): string {
    return relativeImagePath(this.projectFile, this.imagePath);
  }

  /** The project file relative to the image's folder (what the editor shows). */
  relativeProjectFile(): string {
    return path.relative(path.dirname(this.imageFile), this.projectFile).split(path.sep).join('/');
  }

  protected async loadImage(): Promise<void> {
    await this.pixels.open();
    const shape = this.pixels.source?.info.shape;
    if (shape) this.labels = createLabelStore({ t: shape.t, z: shape.z, y: shape.y, x: shape.x }, this.deps.denseLabelVoxels);
  }

  /** Finds the project, joins its shared session and restores this image's labels from it. */
  protected async loadProject(): Promise<void> {
    const located = await locateProject(this.imagePath);
    this.candidates = located.candidates;
    for (const s of located.skipped) this.deps.logger.warn(`Ignoring project: ${s}`);
    const session = await this.joinSession(located.projectFile);
    if (session.error) {
      const message = `${session.error.message}. The project is not used and will not be overwritten; fix or move it, then reopen.`;
      this.warnings.push(message);
      this.deps.logger.error(message);
      return;
    }
    if (!session.onDisk && session.openMembers.length === 1) session.project.classifier.trees = this.deps.defaultTrees ?? 100;
    await this.loadOwnLabels();
  }

  /** Sets this image's labels to its saved labels in the shared project (checking shape and hash). */
  protected async loadOwnLabels(): Promise<void> {
    const labels = this.labels;
    if (!labels || !this.image) return;
    this.ownProjectError = undefined;
    const project = this.project;
    const entry = findProjectImage(project, this.relativePath);
    if (!entry) {
      assignLabels(labels, createLabelStore({ ...labels.shape }));
      return;
    }
    this.pixelSizeOverride = entry.pixelSize ? { ...entry.pixelSize } : undefined;
    const s = this.image.info.shape;
    if (entry.shape.t !== s.t || entry.shape.z !== s.z || entry.shape.y !== s.y || entry.shape.x !== s.x) {
      const message =
        `${entry.path}: the project recorded shape t=${entry.shape.t} z=${entry.shape.z} ${entry.shape.y}×${entry.shape.x}, ` +
        `the file now has t=${s.t} z=${s.z} ${s.y}×${s.x}; its labels are kept in the project but cannot be shown`;
      this.ownProjectError = new ProjectError(this.projectFile, message);
      this.warnings.push(message);
      this.deps.logger.warn(message);
      return;
    }
    try {
      assignLabels(labels, decodeLabels(project.labels[entry.path], { ...labels.shape }));
    } catch (e) {
      this.ownProjectError = new ProjectError(this.projectFile, errorText(e));
      this.warnings.push(this.ownProjectError.message);
      return;
    }
    const message = `${entry.path} changed on disk since it was labelled (sha256 differs); the labels are kept, check they still fit`;
    if (await this.pixels.hashIsDeferred()) {
      // Hashing a file of gigabytes takes seconds to minutes: the editor opens now and says so when the hash differs.
      const image = this.image;
      void this.hash().then((hash) => {
        if (hash === entry.sha256 || this.disposed || this.image !== image) return;
        this.warnings.push(message);
        this.deps.logger.warn(message);
        this._onDidChange.fire({ kind: 'notice', message });
      }, () => undefined);
    } else {
      const hash = await this.hash().catch(() => undefined);
      if (hash && hash !== entry.sha256) {
        this.warnings.push(message);
        this.deps.logger.warn(message);
      }
    }
    this.deps.logger.info(`${this.fileName}: project ${path.basename(this.projectFile)}, ${labels.labelledCount()} labelled pixels restored`);
  }

  // ---------------------------------------------------------------- the shared project (ProjectMember)

  /** See {@link ProjectMember.savedLabelsChanged}. */
  savedLabelsChanged(previous: EncodedLabels | undefined, next: EncodedLabels | undefined, saver: boolean, notice: string | undefined): void {
    if (this.disposed) return;
    const labels = this.labels;
    if (previous !== next && labels && this.image && !this.ownProjectError) {
      let changed = false;
      if (saver || !this.isDirty) {
        const fresh = decodeLabels(next, { ...labels.shape });
        changed = !sameLabels(fresh, labels);
        if (changed) assignLabels(labels, fresh);
      } else {
        const merged = mergeSavedLabelsInto(labels, previous, next);
        changed = merged.changed > 0;
        if (merged.conflicts > 0) {
          notice = `${notice ? `${notice} ` : ''}${merged.conflicts} pixel(s) you changed here were also changed on disk; yours are kept until you save.`;
        }
      }
      if (changed) this._onDidChange.fire({ kind: 'reloaded' });
    }
    if (notice) {
      this.deps.logger.info(`${this.fileName}: ${notice}`);
      this._onDidChange.fire({ kind: 'notice', message: notice });
    }
  }

  /** See {@link ProjectMember.sharedChanged}. */
  sharedChanged(what: 'classes' | 'features' | 'settings'): void {
    if (this.disposed) return;
    if (what === 'classes') this._onDidChange.fire({ kind: 'classes' });
    else if (what === 'features') this._onDidChange.fire({ kind: 'features' });
  }

  /** Applies (or reverts) a class deletion's label edit made by another document of the project. */
  applyForeignEdit(edit: LabelEdit, undo: boolean): void {
    const labels = this.labels;
    if (!labels || this.disposed) return;
    const patches = editPatches(labels, edit);
    if (undo) revertEdit(labels, edit);
    else applyEdit(labels, edit);
    this._onDidChange.fire({ kind: 'labels', patches });
  }

  /** sha256 of the image file (see {@link DocumentImage.hash}). */
  hash(): Promise<string> {
    return this.pixels.hash();
  }

  /**
   * Reads the image file again after it changed on disk, keeping every label. The new image must have
   * the same t, z, y, x extent (labels are per pixel); channels and sample type may differ. On success
   * the display planes and the hash are refreshed and an `image` change fires (the controller re-sends
   * `init`, the live loop drops features and predictions and retrains). Otherwise nothing changes: the
   * previous image stays open. Never throws; the result names the file and the outcome in one sentence.
   */
  async reloadImage(): Promise<{ ok: boolean; message: string }> {
    const labelled = this.labels?.labelledCount() ?? 0;
    const kept = `The labels are kept (${labelled} labelled pixels)`;
    if (this.disposed) return { ok: false, message: `${this.fileName} is closed` };
    let next: ImageSource;
    try {
      next = await this.pixels.read();
    } catch (e) {
      const message = `${this.fileName} was not reloaded: ${imageErrorMessage(this.imagePath, e)}. ${kept}; the editor still shows the image as it was read.`;
      this.deps.logger.warn(message);
      return { ok: false, message };
    }
    const s = next.info.shape;
    const labels = this.labels;
    if (!labels) {
      // The image never opened, so the project's labels for it were never loaded: reopening the editor
      // loads both (reloading here would start from empty labels and could overwrite them on save).
      await next.close().catch(() => undefined);
      const message = `${this.fileName} was not reloaded: it could not be opened before; close and reopen the editor to open it with its labels.`;
      this.deps.logger.warn(message);
      return { ok: false, message };
    }
    if (this.disposed || labels.shape.t !== s.t || labels.shape.z !== s.z || labels.shape.y !== s.y || labels.shape.x !== s.x) {
      await next.close().catch(() => undefined);
      const message = this.disposed
        ? `${this.fileName} is closed`
        : `${this.fileName} was not reloaded: it now has t=${s.t} z=${s.z} ${s.y}×${s.x} pixels, the labels were painted on ` +
          `t=${labels.shape.t} z=${labels.shape.z} ${labels.shape.y}×${labels.shape.x}. ${kept}; the editor still shows the previous image.`;
      this.deps.logger.warn(message);
      return { ok: false, message };
    }
    const previous = this.pixels.replace(next);
    const message = `${this.fileName} reloaded from disk (t=${s.t} z=${s.z} c=${s.c} ${s.y}×${s.x} ${next.info.dtype}). ${kept}; the classifier retrains on the new pixels.`;
    this.deps.logger.info(message);
    // Listeners cancel work reading the previous image first, so closing it fails no running job.
    this._onDidChange.fire({ kind: 'image' });
    previous?.close().catch((e) => this.deps.logger.warn(`Closing the previous ${this.fileName}: ${errorText(e)}`));
    return { ok: true, message };
  }

  // ---------------------------------------------------------------- image

  /** Shape of the image, or undefined when it failed to open. */
  get shape(): ImageSource['info']['shape'] | undefined {
    return this.image?.info.shape;
  }

  /** What the webview needs to know about the image. */
  descriptor(): ImageDescriptor | undefined {
    const d = this.pixels.descriptor();
    const size = this.pixelSize();
    return d && size ? { ...d, pixelSize: size } : d;
  }

  /** The pixel size the user set for this image (saved in its project entry), overriding the file's. */
  private pixelSizeOverride: { x: number; y: number; z?: number; unit: string } | undefined;

  /** The physical pixel size: the one set in the project, else the file's metadata; undefined when unknown. */
  pixelSize(): PixelSizeData | undefined {
    if (this.pixelSizeOverride) return { ...this.pixelSizeOverride, source: 'project' };
    const info = this.image?.info;
    return info ? pixelSizeFromMetadata(info) : undefined;
  }

  /** The image as the feature engine needs it (shape, pixel size, alpha channel); undefined when it failed to open. */
  featureImage(): FeatureImage | undefined {
    const info = this.image?.info;
    return info ? featureImageOf(this.fileName, info, this.pixelSizeOverride) : undefined;
  }

  /** Sets (or, with undefined, resets to the file's) the pixel size: one undoable edit, saved with the project. */
  setPixelSize(size: { x: number; y: number; z?: number; unit: string } | undefined): DocumentEdit | undefined {
    const before = this.pixelSizeOverride;
    if (JSON.stringify(before) === JSON.stringify(size)) return undefined;
    const set = (v: typeof before) => {
      this.pixelSizeOverride = v ? { ...v } : undefined;
      this._onDidChange.fire({ kind: 'pixelSize' });
    };
    const edit: DocumentEdit = { label: size ? 'Set pixel size' : 'Reset pixel size', undo: () => set(before), redo: () => set(size) };
    edit.redo();
    this.publish(edit);
    return edit;
  }

  /** Reads (or returns the cached) raw plane (t, z, c) with its display statistics. */
  /** The tiles and levels of a big image (issue #13), or undefined when it is shown as whole planes. */
  tiling(): TiledImage | undefined {
    return this.pixels.tiling();
  }

  /** One tile of the tiled view (see DocumentImage.readTile). */
  readTile(t: number, z: number, c: number, level: number, column: number, row: number) {
    return this.pixels.readTile(t, z, c, level, column, row);
  }

  readDisplayPlane(t: number, z: number, c: number, orientation: Orientation = 'xy'): Promise<DisplayPlane> {
    return this.pixels.readDisplayPlane(t, z, c, orientation);
  }

  /** Bytes of one raw plane. */
  planeBytes(): number {
    return this.pixels.planeBytes();
  }

  // ---------------------------------------------------------------- classes and features

  /** Classes with their ids (1..N in list order). */
  get classes(): LabelClass[] {
    return this.project.classes.map((c, i) => ({ id: i + 1, name: c.name, color: c.color }));
  }

  /** The feature selection as protocol data. */
  get features(): FeatureSelectionData {
    return this.project.features as FeatureSelectionData;
  }

  /** Labelled pixels per class id of this image (index 0 unused, set to 0). */
  labelCounts(): number[] {
    const n = this.project.classes.length;
    if (!this.labels) return new Array(n + 1).fill(0);
    const counts = this.labels.counts(n).slice(0, n + 1);
    while (counts.length < n + 1) counts.push(0);
    counts[0] = 0;
    return counts;
  }

  /** Changes since the last save/revert (approximate dirty state for commands; VS Code tracks the real one). */
  private version = 0;
  private savedVersion = 0;

  /** True when there are changes not written to the project file. */
  get isDirty(): boolean {
    return this.version !== this.savedVersion;
  }

  /** Reports an edit to VS Code, counting every do/undo/redo for {@link isDirty}. */
  private publish(edit: DocumentEdit): void {
    this.version++;
    this._onDidEdit.fire({
      label: edit.label,
      undo: () => {
        this.version++;
        edit.undo();
      },
      redo: () => {
        this.version++;
        edit.redo();
      },
    });
  }

  /** Sets the shared classes; every open document of the project is told (and updates its editors). */
  private setClasses(classes: ProjectClass[]): void {
    this.shared.setClasses(classes);
  }

  private setSharedFeatures(features: FeatureSelection): void {
    this.shared.setFeatures(features);
  }

  /** This document as the target of project edits (projectEdits.ts). */
  private get editTarget(): ProjectEditTarget {
    return {
      project: this.project,
      labels: this.labels,
      setClasses: (classes) => this.setClasses(classes),
      setFeatures: (features) => this.setSharedFeatures(features),
      otherMembers: () => (this.session?.openMembers ?? []).filter((m): m is LabelDocument => m !== this && m instanceof LabelDocument),
      labelsChanged: (patches) => this._onDidChange.fire({ kind: 'labels', patches }),
    };
  }

  private published<T extends DocumentEdit | undefined>(edit: T): T {
    if (edit) this.publish(edit);
    return edit;
  }

  /** Adds a class with ilastik's next default name and colour. */
  addClass(): DocumentEdit {
    return this.published(addClassEdit(this.editTarget));
  }

  /** Renames class `classId` (1-based). */
  renameClass(classId: number, name: string): DocumentEdit | undefined {
    return this.published(renameClassEdit(this.editTarget, classId, name));
  }

  /** Recolours class `classId` (1-based). */
  recolorClass(classId: number, color: string): DocumentEdit | undefined {
    return this.published(recolorClassEdit(this.editTarget, classId, color));
  }

  /**
   * Deletes class `classId` and its labels in every image of the project (open or not) as ONE undoable edit;
   * higher class ids move down by one (ids stay 1..N in list order).
   */
  deleteClass(classId: number): DocumentEdit {
    return this.published(removeClassEdit(this.editTarget, classId));
  }

  /**
   * Replaces the feature selection (one undoable edit).
   * @throws Error listing what is wrong with the selection (core's validateSelection)
   */
  setFeatures(selection: FeatureSelectionData): DocumentEdit | undefined {
    return this.published(setFeaturesEdit(this.editTarget, selection));
  }

  // ---------------------------------------------------------------- labels

  /**
   * The labelling tools of this document (brush, fill, polygon, wand, superpixels, slice copy, mask import):
   * each use is one undoable edit (documentLabelTools.ts).
   */
  readonly tools: DocumentLabelTools = new DocumentLabelTools({
    labels: () => this.labels,
    image: () => this.image,
    imageError: () => this.imageError,
    classes: () => this.project.classes,
    recordLabelEdit: (edit) => this.recordLabelEdit(edit),
    publish: (edit) => this.publish(edit),
    setClasses: (classes) => this.setClasses(classes),
    labelsChanged: (patches) => this._onDidChange.fire({ kind: 'labels', patches }),
  });

  /**
   * Paints (classId ≥ 1) or erases (0) a stroke of `points` (column,row float pairs) with a round brush of
   * diameter `brushSize` on plane (t, z). One undoable edit; `undefined` when nothing changed.
   */
  paint(t: number, z: number, classId: number, brushSize: number, points: Float32Array, preserveLabels = false, orientation: Orientation = 'xy'): LabelEdit | undefined {
    return this.tools.paint(t, z, classId, brushSize, points, preserveLabels, orientation);
  }

  /** Applies a label edit and reports it (VS Code undo entry + change event). */
  recordLabelEdit(edit: LabelEdit): void {
    const labels = this.labels!;
    const patches = editPatches(labels, edit);
    applyEdit(labels, edit);
    this._onDidChange.fire({ kind: 'labels', patches });
    this.publish({
      label: edit.label,
      undo: () => {
        revertEdit(labels, edit);
        this._onDidChange.fire({ kind: 'labels', patches });
      },
      redo: () => {
        applyEdit(labels, edit);
        this._onDidChange.fire({ kind: 'labels', patches });
      },
    });
  }

  // ---------------------------------------------------------------- save, revert, backup

  /** This image's entry in the project (relative path, sha256, shape, dtype). */
  private async imageEntry(projectFile = this.projectFile): Promise<ProjectImage | undefined> {
    if (!this.image) return undefined;
    const rel = relativeImagePath(projectFile, this.imagePath);
    const sha256 = await this.hash().catch((e) => this.recordedHash(this.project, rel, e));
    return this.imageEntryWith(projectFile, sha256);
  }

  private imageEntryWith(projectFile: string, sha256: string): ProjectImage | undefined {
    if (!this.image) return undefined;
    const { t, z, c, y, x } = this.image.info.shape;
    return {
      path: relativeImagePath(projectFile, this.imagePath), sha256, shape: { t, z, c, y, x }, dtype: this.image.info.dtype,
      ...(this.pixelSizeOverride ? { pixelSize: { ...this.pixelSizeOverride } } : {}),
    };
  }

  /** This image's current labels, encoded (undefined when nothing is labelled). */
  private encodedLabels(): EncodedLabels | undefined {
    if (!this.labels) return undefined;
    const encoded = encodeLabels(this.labels);
    return Object.keys(encoded).length > 0 ? encoded : undefined;
  }

  /**
   * The project as it would be saved: the shared project (other images' labels as last saved) with this
   * image's entry and current labels. Derived values (last trained, OOB error, training hash) are not part of
   * it: they live in the model cache, so the committed file holds only what people author.
   */
  async snapshot(projectFile = this.projectFile): Promise<PixelClassifierProject> {
    const entry = await this.imageEntry(projectFile);
    const labels = this.encodedLabels();
    return this.shared.compose(entry, labels, this.deps.extensionVersion);
  }

  /**
   * {@link snapshot} without waiting for the image's sha256: until it is known (a file of gigabytes is hashed in the
   * background, issue #13) `sha256` stands in for it. For the live loop's training identity, never for saving.
   */
  snapshotWithHash(sha256: string): PixelClassifierProject {
    const entry = this.imageEntryWith(this.projectFile, this.pixels.knownHash ?? sha256);
    return this.shared.compose(entry, this.encodedLabels(), this.deps.extensionVersion);
  }

  /** The image's sha256 when it is due (see {@link DocumentImage.hashWhenDue}): for lookups that can wait. */
  hashWhenDue(): Promise<string> {
    return this.pixels.hashWhenDue();
  }

  /** The image's sha256 once known ({@link snapshotWithHash} then uses it). */
  get knownImageHash(): string | undefined {
    return this.pixels.knownHash;
  }

  /**
   * The image file cannot be hashed (deleted or unreadable since it was opened): the labels must still be
   * saved, so the sha256 last computed for the shown pixels is used, else the one recorded in the project,
   * else zeros (the next open then reports that the file differs).
   */
  private recordedHash(project: PixelClassifierProject, rel: string, e: unknown): string {
    const recorded = project.images.find((i) => i.path === rel)?.sha256;
    const known = this.pixels.knownHash;
    const [hash, source] = known ? [known, 'the sha256 taken when it was read']
      : recorded ? [recorded, 'the sha256 recorded in the project'] : ['0'.repeat(64), 'an unknown (zero) sha256'];
    this.deps.logger.warn(`${this.fileName}: cannot hash the image file (${errorText(e)}); saving the labels with ${source}`);
    return hash;
  }

  private assertSavable(): void {
    if (this.projectError) throw new Error(`Not saved: ${this.projectError.message}`);
    if (!this.image) throw new Error(`Not saved: ${this.imageError ?? 'the image could not be opened'}`);
  }

  /**
   * Writes the project atomically: this image's current labels, every other image's labels as last saved,
   * merged three ways with the file on disk when it changed since it was read or written (the session asks
   * about conflicts). Other documents' unsaved edits stay unsaved.
   */
  async save(): Promise<void> {
    this.assertSavable();
    const session = this.session!;
    const version = this.version;
    await session.save(this, await this.imageEntry(), this.encodedLabels(), this.deps.extensionVersion);
    this.savedVersion = version;
    this.deps.logger.info(`Saved ${this.projectFile} (${this.labels?.labelledCount() ?? 0} labelled pixels in ${this.fileName})`);
  }

  /**
   * "Save As" (the resource is an image, the saved artefact is a project, so this is a decision):
   * - a destination ending in `.pixelclass.json` gets a copy of the project; the document keeps saving
   *   to its own project. Projects reference images by relative path, so the image must be inside the
   *   destination's folder.
   * - any other destination (e.g. `cells-v2.tif`, VS Code's default suggestion) duplicates the image and
   *   its labels: the image bytes are copied there and `<stem>.pixelclass.json` beside it gets this
   *   image's labels with the project's classes, features and settings. VS Code then opens the copy.
   */
  async saveAs(destination: string): Promise<void> {
    this.assertSavable();
    if (path.resolve(destination) === path.resolve(this.imagePath)) return this.save();
    if (destination.endsWith(PROJECT_SUFFIX)) {
      const rel = relativeImagePath(destination, this.imagePath);
      if (rel.startsWith('../') || path.isAbsolute(rel)) {
        throw new Error(`Not saved: ${path.basename(destination)} must be in the folder of ${this.fileName} or above it, because projects reference images by relative path`);
      }
      await writeProject(destination, await this.snapshot(destination));
      this.deps.logger.info(`Saved a copy of the project as ${destination}`);
      return;
    }
    const projectFile = defaultProjectFile(destination);
    const project = await this.snapshot(projectFile);
    const rel = relativeImagePath(projectFile, destination);
    const entry = project.images.find((i) => i.path === relativeImagePath(projectFile, this.imagePath))!;
    const labels = project.labels[entry.path];
    project.images = [{ ...entry, path: rel }];
    project.labels = labels ? { [rel]: labels } : {};
    await fs.copyFile(this.imagePath, destination);
    await writeProject(projectFile, project);
    this.deps.logger.info(`Saved ${this.fileName} as ${destination} with its labels in ${projectFile}`);
  }

  /**
   * Discards this document's unsaved changes: its labels return to the saved ones of the shared project,
   * which is first re-read from disk (whole when no other document has unsaved changes).
   */
  async revert(): Promise<void> {
    this.ownProjectError = undefined;
    this.warnings.length = 0;
    const session = this.session;
    if (session) {
      await session.revert(this);
      if (!session.onDisk && session.openMembers.length <= 1) {
        session.project = createProject(selectionDefaultLight(), this.deps.extensionVersion ?? '0.0.0');
        session.project.classifier.trees = this.deps.defaultTrees ?? 100;
      }
      if (session.error) this.warnings.push(session.error.message);
    }
    await this.loadOwnLabels();
    this.savedVersion = this.version;
    this._onDidChange.fire({ kind: 'reloaded' });
  }

  /** Writes the unsaved state to `file` (hot exit), with the merge base so a restore can merge disk changes. */
  async backup(file: string): Promise<void> {
    const backup: DocumentBackup = {
      imagePath: this.imagePath, projectFile: this.projectFile, project: await this.snapshot(), base: this.session?.baseProject(),
    };
    await writeBackup(file, backup);
  }

  /**
   * Restores state from a backup; false (with a warning) when the backup is unusable. This image's labels come
   * from the backup, with what changed in the saved project since the backup was taken merged in; the shared
   * settings come from the backup when no other document of the project is open.
   */
  protected async restoreBackup(file: string): Promise<boolean> {
    try {
      const backup = await readBackup(file);
      if (path.resolve(backup.imagePath) !== path.resolve(this.imagePath)) throw new Error(`${file}: backup belongs to ${backup.imagePath}`);
      const session = await this.joinSession(backup.projectFile);
      this.version = 1; // restored unsaved changes
      const labels = this.labels;
      const rel = this.relativePath;
      const backupBaseLabels = backup.base?.labels[rel];
      const ownEntry = backup.project.images.find((i) => i.path === rel);
      this.pixelSizeOverride = ownEntry?.pixelSize ? { ...ownEntry.pixelSize } : undefined;
      if (labels) {
        assignLabels(labels, decodeLabels(backup.project.labels[rel], { ...labels.shape }));
      }
      if (session.openMembers.length === 1 && !session.error) {
        // Merges whatever changed on disk since the backup into memory and into these labels (a member now).
        await session.restoreFrom(backup.project, backup.base);
      } else {
        if (labels && backup.base) mergeSavedLabelsInto(labels, backupBaseLabels, session.savedLabels(rel));
        await session.refresh();
      }
      if (session.error) {
        this.warnings.push(`${session.error.message}. Restored labels are kept but cannot be saved to it.`);
      }
      this.deps.logger.info(`${this.fileName}: restored unsaved labels from backup`);
      return true;
    } catch (e) {
      const message = `Could not restore the unsaved state of ${this.fileName}: ${errorText(e)}. Opening the saved project instead.`;
      this.warnings.push(message);
      this.deps.logger.error(message);
      return false;
    }
  }

  /**
   * Switches to another project of the folder ("add this image to project …"). This image's current
   * labels are kept; classes and features come from that project (classes are added when this image
   * uses more). Reported as a reload, not as an undoable edit; the image joins the project on save.
   */
  async adoptProject(projectFile: string): Promise<void> {
    await readProject(projectFile); // a clear error before leaving the current project
    const labels = this.labels;
    const session = await this.joinSession(projectFile);
    if (session.error) throw session.error;
    this.ownProjectError = undefined;
    const maxClass = labels?.maxClass() ?? 0;
    if (session.project.classes.length < maxClass) {
      const classes = session.project.classes.map((c) => ({ ...c }));
      while (classes.length < maxClass) classes.push(defaultClass(classes.length + 1));
      session.setClasses(classes);
    }
    this.candidates = [];
    this.deps.logger.info(`${this.fileName} joins project ${projectFile} (${session.project.images.length} other image(s))`);
    this._onDidChange.fire({ kind: 'reloaded' });
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Called by VS Code when the last editor of the document closes. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const session = this.session;
    if (session) {
      session.detach(this);
      void this.sessions.release(session);
    }
    this.pixels.close();
    this._onDidDispose.fire();
    this._onDidDispose.dispose();
    this._onDidEdit.dispose();
    this._onDidChange.dispose();
  }
}

/** Copies a typed array's bytes into an ArrayBuffer of exactly its length (for postMessage). */
export function exactBuffer(a: ArrayBufferView): ArrayBuffer {
  if (a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) return a.buffer;
  // A view into a larger or shared buffer: copy exactly its bytes.
  const out = new Uint8Array(a.byteLength);
  out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return out.buffer;
}

