/**
 * The image of an open document (split out of labelDocument.ts, issue #19): the opened {@link ImageSource}
 * or the sentence saying why it could not be opened, its sha256 (taken at open, so a later save records the
 * version the labels belong to even if the file is then replaced), and the cache of decoded display planes.
 * Knows nothing about labels or projects.
 */
import { imageChannels } from '../core/image/imageChannels';
import * as path from 'node:path';
import type { ImageSource, PixelArray } from '../core/image/imageModel';
import { BYTES_PER_SAMPLE } from '../core/image/imageModel';
import { imageDisplayName } from '../core/image/hdf5Path';
import { sha256File } from '../project/fileHash';
import type { ImageDescriptor, PlaneDType } from '../protocol';
import { AsyncLruCache } from './planeCache';
import { planeStats, type PlaneStats } from './planeStats';
import { errorText, type Logger } from './logger';

/** Opens an image; the real one is `openImage` from extension/node (possibly proxied to a worker). */
export type ImageOpener = (filePath: string, options: { memoryLimitBytes?: number }) => Promise<ImageSource>;

/** A decoded display plane with its auto-contrast statistics. */
export interface DisplayPlane {
  data: PixelArray;
  stats: PlaneStats;
}

/** What {@link DocumentImage} needs. */
export interface DocumentImageDeps {
  openImage: ImageOpener;
  logger: Logger;
  /** Memory limit passed to the image decoder (bytes). */
  memoryLimitBytes?: number;
  /** Budget of the decoded display-plane cache in bytes. @default 256 MiB */
  planeCacheBytes?: number;
}

/** The image file of a document. */
export class DocumentImage {
  /** The opened image, or undefined when it could not be read (see {@link error}). */
  source: ImageSource | undefined;
  /** Why the image could not be opened: one sentence naming the file. */
  error: string | undefined;
  private pendingHash: Promise<string> | undefined;
  /** The last sha256 computed for the pixels shown (kept when the file later vanishes). */
  knownHash: string | undefined;
  private readonly planes: AsyncLruCache<DisplayPlane>;

  constructor(readonly filePath: string, private readonly deps: DocumentImageDeps) {
    this.planes = new AsyncLruCache<DisplayPlane>(deps.planeCacheBytes ?? 256 * 1024 * 1024, (p) => p.data.byteLength);
  }

  /** File name (no directory; `file.h5/dataset` for an HDF5 dataset). */
  get fileName(): string {
    return imageDisplayName(this.filePath);
  }

  /** Opens the file; never throws (a failure sets {@link error} and is logged). */
  async open(): Promise<void> {
    const started = Date.now();
    try {
      this.source = await this.read();
      const { shape, dtype, axes } = this.source.info;
      // Hash the pixels that are being labelled now, not at the first save: if the file is then
      // deleted or replaced, saving still records (and works for) the version the labels belong to.
      void this.hash().catch(() => undefined);
      this.deps.logger.info(
        `Opened ${this.filePath}: ${axes} t=${shape.t} z=${shape.z} c=${shape.c} ${shape.y}×${shape.x} ${dtype} (${Date.now() - started} ms)`,
      );
    } catch (e) {
      this.error = imageErrorMessage(this.filePath, e);
      this.deps.logger.error(`Cannot open ${this.filePath}: ${this.error}`);
    }
  }

  /** Opens the file again (for a reload); the caller decides whether to {@link replace} the current one. */
  read(): Promise<ImageSource> {
    return this.deps.openImage(this.filePath, { memoryLimitBytes: this.deps.memoryLimitBytes });
  }

  /** Shows `next` from now on: planes and hash are dropped and the hash retaken; returns the previous image. */
  replace(next: ImageSource): ImageSource | undefined {
    const previous = this.source;
    this.source = next;
    this.error = undefined;
    this.planes.clear();
    this.pendingHash = undefined;
    this.knownHash = undefined;
    void this.hash().catch(() => undefined);
    return previous;
  }

  /**
   * sha256 of the image file, computed once (at open) and again only after {@link replace}. A failed hash
   * (file missing or unreadable) is not cached, so a later call retries.
   */
  hash(): Promise<string> {
    if (!this.pendingHash) {
      const pending = sha256File(this.filePath);
      this.pendingHash = pending;
      pending.then((h) => {
        if (this.pendingHash === pending) this.knownHash = h;
      }, () => {
        if (this.pendingHash === pending) this.pendingHash = undefined;
      });
    }
    return this.pendingHash;
  }

  /** What the webview needs to know about the image. */
  descriptor(): ImageDescriptor | undefined {
    const image = this.source;
    if (!image) return undefined;
    const info = image.info;
    // Names from the metadata (OME channel names, RGB(A) samples), else "Channel k"; alpha is marked (issue #15).
    const { names: channelNames, alpha } = imageChannels(info);
    return {
      fileName: this.fileName, shape: { ...info.shape }, axes: info.axes, dtype: info.dtype as PlaneDType, channelNames,
      ...(alpha !== undefined ? { alphaChannel: alpha } : {}),
    };
  }

  /** Reads (or returns the cached) raw plane (t, z, c) with its display statistics. */
  readDisplayPlane(t: number, z: number, c: number): Promise<DisplayPlane> {
    const image = this.source;
    if (!image) return Promise.reject(new Error(this.error ?? `${this.fileName}: no image`));
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
    const info = this.source?.info;
    return info ? info.shape.x * info.shape.y * BYTES_PER_SAMPLE[info.dtype] : 0;
  }

  /** Closes the image (the document is disposed). */
  close(): void {
    this.planes.clear();
    const image = this.source;
    this.source = undefined;
    image?.close().catch((e) => this.deps.logger.warn(`Closing ${this.filePath}: ${errorText(e)}`));
  }
}

/** One sentence naming the file and the reason (ImageError messages already start with the file name). */
export function imageErrorMessage(filePath: string, e: unknown): string {
  const text = errorText(e);
  const base = path.basename(filePath);
  if (text.includes(base)) return text;
  return `${base}: ${text}`;
}
