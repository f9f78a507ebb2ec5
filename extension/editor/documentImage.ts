/**
 * The image of an open document (split out of labelDocument.ts, issue #19): the opened {@link ImageSource}
 * or the sentence saying why it could not be opened, its sha256 (taken at open, so a later save records the
 * version the labels belong to even if the file is then replaced), and the cache of decoded display planes.
 * Knows nothing about labels or projects.
 */
import { imageChannels } from '../core/image/imageChannels';
import { planeSizeOf, type Orientation } from '../core/views/slicePlane';
import { readSliceRegion } from '../core/views/readSliceRegion';
import * as path from 'node:path';
import { files as fs } from '../core/platform/platform';
import type { ImageSource, PixelArray } from '../core/image/imageModel';
import { BYTES_PER_SAMPLE } from '../core/image/imageModel';
import { imageDisplayName, splitHdf5Path } from '../core/image/hdf5Path';
import { sha256FileOffThread } from '../node/sha256FileOffThread';
import type { ImageDescriptor, PlaneDType, TiledImage } from '../protocol';
import { PyramidReader, PYRAMID_TILE } from '../core/image/pyramidReader';
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
  /**
   * Planes with more pixels than this are shown as tiles at resolution levels (issue #13), as are files with their
   * own pyramid. @default {@link TILED_VIEW_PIXELS}
   */
  tiledAbovePixels?: number;
  /** Files up to this many bytes are hashed at open, bigger ones after {@link lateHashDelayMs}. @default 256 MiB */
  earlyHashBytes?: number;
  /** @default 20 s */
  lateHashDelayMs?: number;
  /** sha256 of the image file. @default {@link sha256FileOffThread} */
  hashFile?: (filePath: string) => Promise<string>;
}

/** Default {@link DocumentImageDeps.tiledAbovePixels}: 4096² pixels (a 64 MiB uint32 RGBA canvas in the webview). */
export const TILED_VIEW_PIXELS = 4096 * 4096;
/** Files up to this size are hashed as soon as they are opened; bigger ones after {@link LATE_HASH_DELAY_MS}. */
const EARLY_HASH_BYTES = 256 * 2 ** 20;
const LATE_HASH_DELAY_MS = 20_000;

/** One tile of the tiled view with the statistics of its plane (its own while the plane's are not ready). */
export interface TileRead {
  data: PixelArray;
  width: number;
  height: number;
  stats: PlaneStats;
  statsPartial?: boolean;
}

/** Computed levels above a stored one whose tiles are still quick to make (as the webview's quickLevel). */
const QUICK_COMPUTED_STEPS = 2;

/** Tile edge of the tiled view. */
export const VIEW_TILE = PYRAMID_TILE;
/** How long a ready tile waits for the plane's statistics before it is sent with its own (ms). */
const STATS_WAIT_MS = 150;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Largest plane (pixels) whose statistics are taken from a level as a whole. */
const STATS_LEVEL_PIXELS = 1024 * 1024;

/** The image file of a document. */
export class DocumentImage {
  /** The opened image, or undefined when it could not be read (see {@link error}). */
  source: ImageSource | undefined;
  /** Why the image could not be opened: one sentence naming the file. */
  error: string | undefined;
  private pendingHash: Promise<string> | undefined;
  private hashDeferred: Promise<boolean> | undefined;
  /** Resolves when the file's hash is due (see {@link hashSoon}). */
  private hashDue: Promise<void> | undefined;
  /** The last sha256 computed for the pixels shown (kept when the file later vanishes). */
  knownHash: string | undefined;
  private readonly planes: AsyncLruCache<DisplayPlane>;
  /** Tiled images: the resolution levels (the file's and computed ones). */
  private pyramid: PyramidReader | undefined;
  private readonly tileStats = new Map<string, Promise<PlaneStats>>();
  /** The first view's tile, read ahead at open (see {@link prefetchFirstView}); used once. */
  private prefetched: { key: string; tile: Promise<TileRead> } | undefined;

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
      this.pyramid = undefined;
      const { shape, dtype, axes } = this.source.info;
      // Hash the pixels that are being labelled now, not at the first save: if the file is then
      // deleted or replaced, saving still records (and works for) the version the labels belong to.
      this.hashSoon();
      this.prefetchFirstView();
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
    this.pyramid = undefined;
    this.tileStats.clear();
    this.prefetched = undefined;
    this.pendingHash = undefined;
    this.knownHash = undefined;
    this.hashSoon();
    return previous;
  }

  /**
   * Starts hashing the file now, or — for files above {@link EARLY_HASH_BYTES} — a little later: hashing gigabytes takes
   * seconds of the extension host's thread, which the first views of a big image need (issue #13). A save before then
   * hashes at once (it awaits {@link hash}).
   */
  private hashSoon(): void {
    const source = this.source;
    let due!: () => void;
    const dueNow = new Promise<void>((resolve) => (due = resolve));
    this.hashDue = dueNow;
    this.hashDeferred = fs.stat(splitHdf5Path(this.filePath)?.file ?? this.filePath).then((st) => (st.isFile() ? st.size : 0), () => 0).then((size) => {
      if (size <= (this.deps.earlyHashBytes ?? EARLY_HASH_BYTES)) { due(); void this.hash().catch(() => undefined); return false; }
      const timer = setTimeout(() => {
        due();
        if (this.source === source) void this.hash().catch(() => undefined);
      }, this.deps.lateHashDelayMs ?? LATE_HASH_DELAY_MS);
      timer.unref?.();
      return true;
    });
  }

  /**
   * The sha256 once it is due: at once for small files, after the delay for big ones — for work that can wait (the
   * model-cache lookup) and must not start hashing gigabytes while the first views load. {@link hash} hashes now.
   */
  async hashWhenDue(): Promise<string> {
    if (!this.pendingHash) await this.hashDue;
    return this.hash();
  }

  /** Resolves true when the file is big enough that its hash is taken later, not at open (see {@link hashSoon}). */
  hashIsDeferred(): Promise<boolean> {
    return this.hashDeferred ?? Promise.resolve(false);
  }

  /**
   * sha256 of the image file, computed once (at open) and again only after {@link replace}. A failed hash
   * (file missing or unreadable) is not cached, so a later call retries.
   */
  hash(): Promise<string> {
    if (!this.pendingHash) {
      const pending = (this.deps.hashFile ?? sha256FileOffThread)(this.filePath);
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
    const tiled = this.tiling();
    return {
      fileName: this.fileName, shape: { ...info.shape }, axes: info.axes, dtype: info.dtype as PlaneDType, channelNames,
      ...(alpha !== undefined ? { alphaChannel: alpha } : {}), ...(tiled ? { tiled } : {}),
    };
  }

  /** The tiles and levels of a big image (issue #13), or undefined when it is shown as whole planes. */
  tiling(): TiledImage | undefined {
    const pyramid = this.levels();
    if (!pyramid) return undefined;
    return {
      tileSize: VIEW_TILE,
      levels: pyramid.levels.map((l, i) => ({ width: l.shape.x, height: l.shape.y, scale: l.scale.x, ...(pyramid.isComputed(i) ? { computed: true } : {}) })),
    };
  }

  /** The pyramid of a tiled image (made on first use), or undefined for images shown as whole planes. */
  private levels(): PyramidReader | undefined {
    const image = this.source;
    if (!image) return undefined;
    const { x, y } = image.info.shape;
    const fileLevels = image.info.levels?.length ?? 1;
    if (x * y <= (this.deps.tiledAbovePixels ?? TILED_VIEW_PIXELS) && fileLevels <= 1) return undefined;
    this.pyramid ??= new PyramidReader(image);
    return this.pyramid;
  }

  /**
   * One tile of plane (t, z, c) at `level` (tile indices column/row of {@link VIEW_TILE}² tiles), with the statistics
   * of the whole plane taken from the finest level of at most 1024² pixels.
   */
  readTile(t: number, z: number, c: number, level: number, column: number, row: number): Promise<TileRead> {
    const key = `${t}/${z}/${c}/${level}/${column}/${row}`;
    const prefetched = this.prefetched;
    if (prefetched?.key === key) {
      this.prefetched = undefined;
      return prefetched.tile;
    }
    return this.readTileNow(t, z, c, level, column, row);
  }

  /**
   * Starts reading the tile a new view shows first — the coarsest level's, channel 0 of the first plane, with the
   * plane's statistics — while VS Code creates the editor's webview (~0.7 s in which the host is idle), when that tile
   * is quick to make (a file pyramid; not an image whose coarse level needs the whole file). Issue #13: the first view.
   */
  private prefetchFirstView(): void {
    this.prefetched = undefined;
    const pyramid = this.levels();
    if (!pyramid) return;
    const coarsest = pyramid.levels.length - 1;
    const steps = pyramid.computedSteps(coarsest);
    // Without a quick coarsest level, a new view (Fit, centred) first shows the quick level's tiles, nearest the centre
    // first (webview/canvas/tileGrid quickLevel, visibleTiles): the one holding the centre is read ahead.
    const level = steps <= QUICK_COMPUTED_STEPS ? coarsest : coarsest - (steps - QUICK_COMPUTED_STEPS);
    const { x, y } = pyramid.levels[level].shape;
    // The tile holding the point just before the centre: on a tile border the webview's nearest-first order breaks the
    // tie row-major, so it asks for the upper-left of the four first.
    const column = Math.max(0, Math.ceil(x / 2 / VIEW_TILE) - 1), row = Math.max(0, Math.ceil(y / 2 / VIEW_TILE) - 1);
    // A whole-file pass for the plane's statistics is left to the webview's requests: started now, its 2×2 means (in
    // this thread) would hold the host while the webview starts.
    const tile = this.readTileNow(0, 0, 0, level, column, row, false);
    tile.catch(() => undefined); // a failure is reported when the webview asks for the tile
    this.prefetched = { key: `0/0/0/${level}/${column}/${row}`, tile };
  }

  /** @param farStats whether to start reading the plane's statistics when they need much of the file */
  private async readTileNow(t: number, z: number, c: number, level: number, column: number, row: number, farStats = true): Promise<TileRead> {
    const pyramid = this.levels();
    if (!pyramid) throw new Error(`${this.fileName} is not shown as tiles`);
    const shape = pyramid.levels[level].shape;
    const x0 = column * VIEW_TILE, y0 = row * VIEW_TILE;
    const width = Math.min(VIEW_TILE, shape.x - x0), height = Math.min(VIEW_TILE, shape.y - y0);
    // The plane's statistics come from a level of ≤ 1024². Without a file pyramid that level needs the whole file
    // (issue #13: the view fills in progressively meanwhile): then they are asked for only after this tile's own reads
    // (file reads are served in order) and not waited for; a tile ready first carries its own statistics.
    const statsFar = pyramid.computedSteps(this.statsLevel(pyramid)) > QUICK_COMPUTED_STEPS;
    const planeStatsNow = () => {
      const pending = this.planeStatsOf(pyramid, t, z, c);
      pending.catch(() => undefined); // awaited below, or superseded by the tile's own
      return pending;
    };
    const early = statsFar ? undefined : planeStatsNow();
    const data = await pyramid.readBox(level, t, c, { z0: z, nz: 1, y0, ny: height, x0, nx: width });
    const wholePlane = early ?? (farStats ? planeStatsNow() : this.tileStats.get(`${t}/${z}/${c}`));
    const stats = wholePlane && await Promise.race([wholePlane, delay(statsFar ? 0 : STATS_WAIT_MS).then(() => undefined)]);
    return stats ? { data, width, height, stats } : { data, width, height, stats: planeStats(data), statsPartial: true };
  }

  /** The level a plane's statistics are taken from: the finest of at most {@link STATS_LEVEL_PIXELS}. */
  private statsLevel(pyramid: PyramidReader): number {
    let level = pyramid.levels.length - 1;
    while (level > 0 && pyramid.levels[level - 1].shape.x * pyramid.levels[level - 1].shape.y <= STATS_LEVEL_PIXELS) level--;
    return level;
  }

  private planeStatsOf(pyramid: PyramidReader, t: number, z: number, c: number): Promise<PlaneStats> {
    const key = `${t}/${z}/${c}`;
    let stats = this.tileStats.get(key);
    if (!stats) {
      const level = this.statsLevel(pyramid);
      const shape = pyramid.levels[level].shape;
      stats = pyramid.readBox(level, t, c, { z0: z, nz: 1, y0: 0, ny: shape.y, x0: 0, nx: shape.x }).then((data) => planeStats(data));
      stats.catch(() => this.tileStats.delete(key));
      if (this.tileStats.size > 256) this.tileStats.delete(this.tileStats.keys().next().value as string);
      this.tileStats.set(key, stats);
    }
    return stats;
  }

  /** Reads (or returns the cached) raw plane (t, z, c) with its display statistics. */
  readDisplayPlane(t: number, z: number, c: number, orientation: Orientation = 'xy'): Promise<DisplayPlane> {
    const image = this.source;
    if (!image) return Promise.reject(new Error(this.error ?? `${this.fileName}: no image`));
    if (orientation === 'xy' && this.levels()) {
      return Promise.reject(new Error(`${this.fileName}: the ${image.info.shape.x}×${image.info.shape.y} plane is shown as tiles, not read whole`));
    }
    if (orientation !== 'xy') {
      // xz/yz planes of a volume (issue #15): `z` is the slice index along y or x.
      return this.planes.get(`${orientation}/${t}/${z}/${c}`, async () => {
        const { width, height } = planeSizeOf(image.info.shape, orientation);
        const data = await readSliceRegion(image, orientation, t, z, c, { y0: 0, y1: height, x0: 0, x1: width });
        return { data, stats: planeStats(data) };
      });
    }
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
    this.prefetched = undefined;
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
