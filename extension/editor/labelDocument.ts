/**
 * The CustomDocument of the Pixel Classifier editor: one open image plus its labelling state
 * (house style: `labelDocument.ts`).
 *
 * The document owns the truth: the image (lazy planes), the classes, the feature selection and the
 * label volume. Webviews only send intents. No runtime `vscode` import (VS Code objects are
 * structural: a CustomDocument is `{ uri, dispose() }`), so the document is unit tested in Node.
 */
import type * as vscode from 'vscode';
import * as path from 'node:path';
import type { ImageSource, PixelArray } from '../core/image/imageModel';
import { BYTES_PER_SAMPLE } from '../core/image/imageModel';
import type { FeatureSelectionData, ImageDescriptor, LabelClass, PlaneDType } from '../protocol';
import { AsyncLruCache } from './planeCache';
import { planeStats, type PlaneStats } from './planeStats';
import { Emitter } from './emitter';
import { errorText, type Logger } from './logger';

/** Opens an image; the real one is `openImage` from extension/node (possibly proxied to a worker). */
export type ImageOpener = (filePath: string, options: { memoryLimitBytes?: number }) => Promise<ImageSource>;

/** What a document needs from its environment. */
export interface LabelDocumentDeps {
  openImage: ImageOpener;
  logger: Logger;
  /** Memory limit passed to the image decoder (bytes). */
  memoryLimitBytes?: number;
  /** Budget of the decoded display-plane cache in bytes. @default 256 MiB */
  planeCacheBytes?: number;
}

/** A decoded display plane with its auto-contrast statistics. */
export interface DisplayPlane {
  data: PixelArray;
  stats: PlaneStats;
}

/** Default class colours (ilastik-like, distinguishable on dark fluorescence images). */
export const CLASS_COLORS = [
  '#ffe119', '#4363d8', '#e6194b', '#3cb44b', '#f032e6', '#42d4f4', '#f58231', '#911eb4', '#bfef45', '#fabed4',
];

/** The two default classes of a new project (ilastik starts with two). */
export function defaultClasses(): LabelClass[] {
  return [
    { id: 1, name: 'Label 1', color: CLASS_COLORS[0] },
    { id: 2, name: 'Label 2', color: CLASS_COLORS[1] },
  ];
}

/** The editor's document. */
export class LabelDocument {
  /** Absolute path of the image file. */
  readonly imagePath: string;
  /** The opened image, or undefined when it could not be read (see {@link imageError}). */
  image: ImageSource | undefined;
  /** Why the image could not be opened: one sentence naming the file. */
  imageError: string | undefined;
  classes: LabelClass[] = defaultClasses();
  features: FeatureSelectionData | undefined;
  /** Warnings shown in the editor (project problems, hash mismatch, …). */
  readonly warnings: string[] = [];

  private readonly planes: AsyncLruCache<DisplayPlane>;
  private readonly _onDidDispose = new Emitter<void>();
  /** Fires once when the document is disposed (all its editors closed). */
  readonly onDidDispose = this._onDidDispose.event;
  private disposed = false;

  protected constructor(readonly uri: vscode.Uri, protected readonly deps: LabelDocumentDeps) {
    this.imagePath = uri.fsPath;
    this.planes = new AsyncLruCache<DisplayPlane>(deps.planeCacheBytes ?? 256 * 1024 * 1024, (p) => p.data.byteLength);
  }

  /**
   * Opens the image of `uri`. Never throws for a bad image: the error is kept in {@link imageError},
   * logged, and shown by the editor, so a corrupt file gives a clear message instead of a failed editor.
   */
  static async open(uri: vscode.Uri, deps: LabelDocumentDeps): Promise<LabelDocument> {
    const doc = new LabelDocument(uri, deps);
    await doc.loadImage();
    return doc;
  }

  /** File name of the image (no directory). */
  get fileName(): string {
    return path.basename(this.imagePath);
  }

  protected async loadImage(): Promise<void> {
    const started = Date.now();
    try {
      this.image = await this.deps.openImage(this.imagePath, { memoryLimitBytes: this.deps.memoryLimitBytes });
      const { shape, dtype, axes } = this.image.info;
      this.deps.logger.info(
        `Opened ${this.imagePath}: ${axes} t=${shape.t} z=${shape.z} c=${shape.c} ${shape.y}×${shape.x} ${dtype} (${Date.now() - started} ms)`,
      );
    } catch (e) {
      this.imageError = imageErrorMessage(this.imagePath, e);
      this.deps.logger.error(`Cannot open ${this.imagePath}: ${this.imageError}`);
    }
  }

  /** Shape of the image, or undefined when it failed to open. */
  get shape(): ImageSource['info']['shape'] | undefined {
    return this.image?.info.shape;
  }

  /** What the webview needs to know about the image. */
  descriptor(): ImageDescriptor | undefined {
    const image = this.image;
    if (!image) return undefined;
    const info = image.info;
    const names = info.metadata?.channelNames;
    const channelNames = Array.isArray(names) && names.length === info.shape.c && names.every((n) => typeof n === 'string')
      ? (names as string[])
      : Array.from({ length: info.shape.c }, (_, i) => `Channel ${i}`);
    return {
      fileName: this.fileName,
      shape: { ...info.shape },
      axes: info.axes,
      dtype: info.dtype as PlaneDType,
      channelNames,
    };
  }

  /** Reads (or returns the cached) raw plane (t, z, c) with its display statistics. */
  readDisplayPlane(t: number, z: number, c: number): Promise<DisplayPlane> {
    const image = this.image;
    if (!image) return Promise.reject(new Error(this.imageError ?? `${this.fileName}: no image`));
    return this.planes.get(`${t}/${z}/${c}`, async () => {
      const data = await image.readPlane(t, z, c);
      const expected = image.info.shape.x * image.info.shape.y;
      if (data.length !== expected) {
        throw new Error(`${this.fileName}: plane t=${t} z=${z} c=${c} has ${data.length} samples, expected ${expected}`);
      }
      return { data, stats: planeStats(data) };
    });
  }

  /** Bytes of one raw plane. */
  planeBytes(): number {
    const info = this.image?.info;
    return info ? info.shape.x * info.shape.y * BYTES_PER_SAMPLE[info.dtype] : 0;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Called by VS Code when the last editor of the document closes. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.planes.clear();
    const image = this.image;
    this.image = undefined;
    image?.close().catch((e) => this.deps.logger.warn(`Closing ${this.imagePath}: ${errorText(e)}`));
    this._onDidDispose.fire();
    this._onDidDispose.dispose();
  }
}

/** One sentence naming the file and the reason (ImageError messages already start with the file name). */
export function imageErrorMessage(filePath: string, e: unknown): string {
  const text = errorText(e);
  const base = path.basename(filePath);
  if (text.includes(base)) return text;
  return `${base}: ${text}`;
}

/** Copies a typed array's bytes into an ArrayBuffer of exactly its length (for postMessage). */
export function exactBuffer(a: ArrayBufferView): ArrayBuffer {
  if (a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) return a.buffer;
  // A view into a larger or shared buffer: copy exactly its bytes.
  const out = new Uint8Array(a.byteLength);
  out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return out.buffer;
}
