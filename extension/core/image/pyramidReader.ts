/**
 * Resolution levels for the editor's tiles (issue #13): the file's own pyramid where it has one (OME-TIFF SubIFDs,
 * reduced-resolution pages, OME-Zarr multiscales), continued — or, without one, made — by halving x and y until a
 * level fits in one tile. Computed levels are 2×2 means of the level below (z is never reduced), made lazily per
 * {@link PYRAMID_TILE}² tile and kept in a byte-bounded LRU, so zooming out of a 30000² image reads level 0 once at
 * most, and a file pyramid is read as stored.
 */
import type { Box } from '../features/box';
import { imageLevels, type DType, type ImageLevel, type ImageSource, type PixelArray } from './imageModel';
import { allocatePixels } from './pixelArrays';
import { readImageBox } from './readImageBox';

/** Edge of the tiles levels are computed and cached in (and the editor requests). */
export const PYRAMID_TILE = 512;

/** File reads for computed levels in flight at once. */
const FILE_READS = 4;

/** Where a level's pixels come from. */
type LevelOrigin = { kind: 'file'; index: number } | { kind: 'computed'; from: number };

/** An image's levels and a reader for a box at any of them. */
export class PyramidReader {
  /** Level 0 = full resolution; `scale` is relative to level 0. */
  readonly levels: ImageLevel[];
  private readonly origins: LevelOrigin[];
  private readonly cache = new Map<string, PixelArray>();
  private readonly loading = new Map<string, Promise<PixelArray>>();
  private cachedBytes = 0;

  /**
   * @param cacheBytes bytes of computed tiles kept (least recently used dropped first)
   * @param smallest a level is added while the previous one is wider or taller than this
   */
  constructor(private readonly source: ImageSource, private readonly cacheBytes = 192 * 2 ** 20, smallest = PYRAMID_TILE) {
    const file = imageLevels(source.info);
    this.levels = [...file];
    this.origins = file.map((_, index) => ({ kind: 'file', index }));
    for (let last = this.levels[this.levels.length - 1]; last.shape.x > smallest || last.shape.y > smallest; last = this.levels[this.levels.length - 1]) {
      const shape = { ...last.shape, y: Math.ceil(last.shape.y / 2), x: Math.ceil(last.shape.x / 2) };
      this.origins.push({ kind: 'computed', from: this.levels.length - 1 });
      this.levels.push({ shape, scale: { z: last.scale.z, y: last.scale.y * 2, x: last.scale.x * 2 } });
    }
  }

  /** How many computed levels lie between `level` and the nearest stored level at or below it (0 for a stored level). */
  computedSteps(level: number): number {
    let steps = 0;
    for (let l = level; l > 0 && this.isComputed(l); l--) steps++;
    return steps;
  }

  /** True for a level made from the level below, false for one read from the file as stored. */
  isComputed(level: number): boolean {
    return this.origins[level]?.kind === 'computed';
  }

  /** Bytes of computed tiles held now. */
  get bytes(): number {
    return this.cachedBytes;
  }

  /**
   * Reads `box` (z, y, x at `level`'s size) of channel `c` at time `t`, layout [z][y][x], in the file's sample type.
   * @throws ImageError (through the source) for a level or box out of range
   */
  async readBox(level: number, t: number, c: number, box: Box): Promise<PixelArray> {
    const origin = this.origins[level];
    if (!origin) return readImageBox(this.source, level, t, c, box); // names the bad level
    if (origin.kind === 'file') return readImageBox(this.source, origin.index, t, c, box);
    const shape = this.levels[level].shape;
    if (box.y0 < 0 || box.x0 < 0 || box.ny < 1 || box.nx < 1 || box.y0 + box.ny > shape.y || box.x0 + box.nx > shape.x) {
      return readImageBox(this.source, 0, t, c, { ...box, y0: -1 }); // the source's error for an out-of-range box
    }
    const out = allocatePixels(this.source.info.dtype, box.nz * box.ny * box.nx);
    const T = PYRAMID_TILE;
    // All tiles are asked for at once (the file reads below them run in parallel, FILE_READS at a time), then copied.
    const wanted: { dz: number; ty: number; tx: number; tile: Promise<PixelArray> }[] = [];
    for (let dz = 0; dz < box.nz; dz++) {
      for (let ty = Math.floor(box.y0 / T); ty * T < box.y0 + box.ny; ty++) {
        for (let tx = Math.floor(box.x0 / T); tx * T < box.x0 + box.nx; tx++) {
          const tile = this.tile(level, t, c, box.z0 + dz, ty, tx);
          tile.catch(() => undefined); // awaited below; a failure must not count as unhandled meanwhile
          wanted.push({ dz, ty, tx, tile });
        }
      }
    }
    for (const { dz, ty, tx, tile: pending } of wanted) {
      const tile = await pending;
      const tw = Math.min(T, shape.x - tx * T);
      const y0 = Math.max(box.y0, ty * T), y1 = Math.min(box.y0 + box.ny, (ty + 1) * T);
      const x0 = Math.max(box.x0, tx * T), x1 = Math.min(box.x0 + box.nx, (tx + 1) * T);
      for (let y = y0; y < y1; y++) {
        const from = (y - ty * T) * tw + (x0 - tx * T);
        out.set(tile.subarray(from, from + (x1 - x0)) as never, (dz * box.ny + (y - box.y0)) * box.nx + (x0 - box.x0));
      }
    }
    return out;
  }

  /** One tile of a computed level: the 2×2 means of the level it is made from. */
  private tile(level: number, t: number, c: number, z: number, ty: number, tx: number): Promise<PixelArray> {
    const key = `${level}/${t}/${c}/${z}/${ty}/${tx}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return Promise.resolve(hit);
    }
    const pending = this.loading.get(key);
    if (pending) return pending;
    const load = (async () => {
      const origin = this.origins[level] as { kind: 'computed'; from: number };
      const below = this.levels[origin.from].shape;
      const shape = this.levels[level].shape;
      const T = PYRAMID_TILE;
      const w = Math.min(T, shape.x - tx * T), h = Math.min(T, shape.y - ty * T);
      const sy0 = 2 * ty * T, sx0 = 2 * tx * T;
      const sh = Math.min(2 * h, below.y - sy0), sw = Math.min(2 * w, below.x - sx0);
      const sourceBox = { z0: z, nz: 1, y0: sy0, ny: sh, x0: sx0, nx: sw };
      // Reads of the file's own levels are limited to a few at a time (memory; two cores decode them).
      const src = this.origins[origin.from].kind === 'file'
        ? await this.limited(() => this.readBox(origin.from, t, c, sourceBox))
        : await this.readBox(origin.from, t, c, sourceBox);
      const tile = downsample2x(src, sw, sh, w, h, this.source.info.dtype);
      // A tile one level above a stored level is remade from 4 stored tiles at the cost of reading them: not worth its
      // memory (for a 16384² uint16 image without a pyramid, that level alone is 128 MiB). Coarser ones are kept.
      if (this.origins[origin.from].kind === 'computed') this.store(key, tile);
      return tile;
    })();
    this.loading.set(key, load);
    return load.finally(() => this.loading.delete(key));
  }

  private running = 0;
  private readonly waiting: (() => void)[] = [];

  /** Runs `read` when fewer than {@link FILE_READS} file reads are running. */
  private async limited<T>(read: () => Promise<T>): Promise<T> {
    if (this.running >= FILE_READS) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await read();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private store(key: string, tile: PixelArray): void {
    if (tile.byteLength > this.cacheBytes) return;
    this.cache.set(key, tile);
    this.cachedBytes += tile.byteLength;
    for (const [k, v] of this.cache) {
      if (this.cachedBytes <= this.cacheBytes) break;
      this.cache.delete(k);
      this.cachedBytes -= v.byteLength;
    }
  }

  /** Forgets computed tiles (the file changed). */
  clear(): void {
    this.cache.clear();
    this.cachedBytes = 0;
  }
}

/**
 * 2×2 means of a `sw × sh` row-major block into `w × h` (w = ⌈sw/2⌉, h = ⌈sh/2⌉): an odd last row/column averages the
 * pixels it has. Integer types are rounded to nearest (half up), floats kept.
 */
export function downsample2x(src: ArrayLike<number>, sw: number, sh: number, w: number, h: number, dtype: DType): PixelArray {
  const out = allocatePixels(dtype, w * h);
  const round = dtype !== 'float32' && dtype !== 'float64';
  for (let y = 0; y < h; y++) {
    const r0 = 2 * y, r1 = Math.min(sh - 1, r0 + 1);
    for (let x = 0; x < w; x++) {
      const c0 = 2 * x, c1 = Math.min(sw - 1, c0 + 1);
      let sum = src[r0 * sw + c0];
      let n = 1;
      if (c1 !== c0) { sum += src[r0 * sw + c1]; n++; }
      if (r1 !== r0) {
        sum += src[r1 * sw + c0]; n++;
        if (c1 !== c0) { sum += src[r1 * sw + c1]; n++; }
      }
      out[y * w + x] = round ? Math.floor(sum / n + 0.5) : sum / n;
    }
  }
  return out;
}
