/**
 * The labels of one image: a dense uint8 volume with axes (t, z, row, column), 0 = unlabelled,
 * 1..N = class ids (issue #5). One byte per pixel keeps painting O(1) and makes a plane a zero-copy
 * view that can be transferred to the webview.
 */

/** Sizes of the label volume axes (the image shape without channels). */
export interface LabelShape {
  /** time points */
  t: number;
  /** z-slices */
  z: number;
  /** rows */
  y: number;
  /** columns */
  x: number;
}

/** Dense uint8 labels of one image, layout [t][z][row][column] (row-major, column fastest). */
export class LabelVolume {
  /**
   * Class ids, `t*z*y*x` bytes. Code that writes them must call {@link changed} afterwards (the label
   * edits do), so cached summaries are recomputed.
   */
  readonly data: Uint8Array;
  /** Incremented by {@link changed}; keys the cached {@link counts}. */
  private revision = 0;
  private cachedCounts: { revision: number; counts: Uint32Array } | undefined;

  /**
   * @param shape sizes of the four axes (each ≥ 1)
   * @param data existing class ids to wrap (length must be `t*z*y*x`); zeros when omitted
   */
  constructor(readonly shape: LabelShape, data?: Uint8Array) {
    for (const axis of ['t', 'z', 'y', 'x'] as const) {
      const n = shape[axis];
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`label shape ${axis} must be a positive integer, got ${n}`);
    }
    const size = shape.t * shape.z * shape.y * shape.x;
    if (data && data.length !== size) throw new RangeError(`label data has ${data.length} values, shape needs ${size}`);
    this.data = data ?? new Uint8Array(size);
  }

  /** Number of pixels in one (t, z) plane. */
  get planeSize(): number {
    return this.shape.y * this.shape.x;
  }

  /** Offset of pixel (t, z, 0, 0) in {@link data}. */
  planeOffset(t: number, z: number): number {
    if (t < 0 || t >= this.shape.t || z < 0 || z >= this.shape.z) {
      throw new RangeError(`plane t=${t} z=${z} is outside the label volume (t<${this.shape.t}, z<${this.shape.z})`);
    }
    return (t * this.shape.z + z) * this.planeSize;
  }

  /** A view (no copy) of the (t, z) plane, row-major. */
  plane(t: number, z: number): Uint8Array {
    const offset = this.planeOffset(t, z);
    return this.data.subarray(offset, offset + this.planeSize);
  }

  /** Flat index of pixel (t, z, row, column) in {@link data}. */
  index(t: number, z: number, row: number, column: number): number {
    return this.planeOffset(t, z) + row * this.shape.x + column;
  }

  /** Class id at (t, z, row, column). */
  get(t: number, z: number, row: number, column: number): number {
    return this.data[this.index(t, z, row, column)];
  }

  /** Marks {@link data} as modified. */
  changed(): void {
    this.revision++;
  }

  /**
   * Labelled pixel count per class id; index 0 counts unlabelled pixels, length = max(nClasses, max id) + 1.
   * Cached until the next {@link changed}: the editor shows counts with every status update, and scanning a
   * 2048² volume each time cost seconds of host time per live update.
   */
  counts(nClasses = 0): number[] {
    if (this.cachedCounts?.revision !== this.revision) {
      const histogram = new Uint32Array(256);
      const data = this.data;
      for (let i = 0; i < data.length; i++) histogram[data[i]]++;
      this.cachedCounts = { revision: this.revision, counts: histogram };
    }
    return countsUpTo(this.cachedCounts.counts, nClasses);
  }

  /** Number of labelled (non-zero) pixels. */
  labelledCount(): number {
    let n = 0;
    const data = this.data;
    for (let i = 0; i < data.length; i++) if (data[i] !== 0) n++;
    return n;
  }

  /** Largest class id present (0 when nothing is labelled). */
  maxClass(): number {
    let max = 0;
    const data = this.data;
    for (let i = 0; i < data.length; i++) if (data[i] > max) max = data[i];
    return max;
  }

  /** A deep copy. */
  clone(): LabelVolume {
    return new LabelVolume({ ...this.shape }, this.data.slice());
  }

  /** Number of voxels (t·z·y·x). */
  get size(): number {
    return this.data.length;
  }

  /** Class id at flat index `i` (see {@link index}). */
  getAt(i: number): number {
    return this.data[i];
  }

  /** Writes a class id at flat index `i`; call {@link changed} after a batch of writes. */
  setAt(i: number, value: number): void {
    this.data[i] = value;
  }

  /** Row `row` of plane (t, z): a view. */
  row(t: number, z: number, row: number): Uint8Array {
    const o = this.planeOffset(t, z) + row * this.shape.x;
    return this.data.subarray(o, o + this.shape.x);
  }

  /** Columns [x0, x1) of row `row` of plane (t, z): a view (read-only use). */
  rowSpan(t: number, z: number, row: number, x0: number, x1: number): Uint8Array {
    const o = this.planeOffset(t, z) + row * this.shape.x;
    return this.data.subarray(o + x0, o + x1);
  }

  /** Copies `values` (one row, `x` values) into row `row` of plane (t, z). */
  writeRow(t: number, z: number, row: number, values: Uint8Array): void {
    this.data.set(values, this.planeOffset(t, z) + row * this.shape.x);
  }

  /** Rows of plane (t, z) that may hold labels, increasing (all rows: the dense store does not track them). */
  candidateRows(t: number, z: number): number[] {
    this.planeOffset(t, z);
    return Array.from({ length: this.shape.y }, (_, r) => r);
  }

  /** Rectangles of plane (t, z) outside which there are no labels (the whole plane for the dense store). */
  candidateRects(t: number, z: number): { row: number; column: number; height: number; width: number }[] {
    this.planeOffset(t, z);
    return [{ row: 0, column: 0, height: this.shape.y, width: this.shape.x }];
  }

  /** Calls `visit(index, value)` for every labelled voxel, in increasing index order. */
  forEachLabelled(visit: (index: number, value: number) => void): void {
    const data = this.data;
    for (let i = 0; i < data.length; i++) if (data[i] !== 0) visit(i, data[i]);
  }

  /** Bytes held for labels. */
  get byteSize(): number {
    return this.data.byteLength;
  }
}

/** A class histogram as counts of classes 0..max(nClasses, the largest class present). */
function countsUpTo(histogram: ArrayLike<number>, nClasses: number): number[] {
  const counts = Array.from(histogram);
  let last = nClasses;
  for (let k = 255; k > last; k--) if (counts[k] > 0) { last = k; break; }
  return counts.slice(0, last + 1);
}

/** Edge of the blocks of a {@link SparseLabelVolume}. */
export const LABEL_BLOCK = 64;

/** Largest plane {@link SparseLabelVolume.plane} makes dense (pixels). */
export const MAX_DENSE_PLANE = 8192 * 8192;

/**
 * The labels of a big image (issue #13): blocks of {@link LABEL_BLOCK}² pixels per (t, z), allocated on first
 * write, so memory is proportional to the labelled area, not to the image. Same flat indices and methods as
 * {@link LabelVolume} (without its `data` array).
 */
export class SparseLabelVolume {
  /** Per plane (t·z + z): block index (blockRow · blocksX + blockColumn) → block. */
  private readonly planes: Map<number, Uint8Array>[];
  private readonly blocksX: number;
  private revision = 0;
  private cachedCounts: { revision: number; counts: Float64Array } | undefined;

  constructor(readonly shape: LabelShape) {
    for (const axis of ['t', 'z', 'y', 'x'] as const) {
      const n = shape[axis];
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`label shape ${axis} must be a positive integer, got ${n}`);
    }
    this.planes = Array.from({ length: shape.t * shape.z }, () => new Map<number, Uint8Array>());
    this.blocksX = Math.ceil(shape.x / LABEL_BLOCK);
  }

  get planeSize(): number {
    return this.shape.y * this.shape.x;
  }

  get size(): number {
    return this.shape.t * this.shape.z * this.planeSize;
  }

  planeOffset(t: number, z: number): number {
    if (t < 0 || t >= this.shape.t || z < 0 || z >= this.shape.z) {
      throw new RangeError(`plane t=${t} z=${z} is outside the label volume (t<${this.shape.t}, z<${this.shape.z})`);
    }
    return (t * this.shape.z + z) * this.planeSize;
  }

  index(t: number, z: number, row: number, column: number): number {
    return this.planeOffset(t, z) + row * this.shape.x + column;
  }

  get(t: number, z: number, row: number, column: number): number {
    return this.getAt(this.index(t, z, row, column));
  }

  getAt(i: number): number {
    const { plane, row, column } = this.locate(i);
    const block = this.planes[plane].get(Math.floor(row / LABEL_BLOCK) * this.blocksX + Math.floor(column / LABEL_BLOCK));
    return block ? block[(row % LABEL_BLOCK) * LABEL_BLOCK + (column % LABEL_BLOCK)] : 0;
  }

  setAt(i: number, value: number): void {
    const { plane, row, column } = this.locate(i);
    const key = Math.floor(row / LABEL_BLOCK) * this.blocksX + Math.floor(column / LABEL_BLOCK);
    let block = this.planes[plane].get(key);
    if (!block) {
      if (value === 0) return;
      block = new Uint8Array(LABEL_BLOCK * LABEL_BLOCK);
      this.planes[plane].set(key, block);
    }
    block[(row % LABEL_BLOCK) * LABEL_BLOCK + (column % LABEL_BLOCK)] = value;
  }

  private locate(i: number): { plane: number; row: number; column: number } {
    if (!(i >= 0 && i < this.size)) throw new RangeError(`label index ${i} is outside the label volume (size ${this.size})`);
    const plane = Math.floor(i / this.planeSize);
    const within = i - plane * this.planeSize;
    const row = Math.floor(within / this.shape.x);
    return { plane, row, column: within - row * this.shape.x };
  }

  /** A dense copy of plane (t, z) (read-only use); throws for planes above {@link MAX_DENSE_PLANE}. */
  plane(t: number, z: number): Uint8Array {
    this.planeOffset(t, z);
    if (this.planeSize > MAX_DENSE_PLANE) throw new RangeError(`the ${this.shape.x}×${this.shape.y} label plane is too large to copy whole`);
    const out = new Uint8Array(this.planeSize);
    for (const r of this.candidateRects(t, z)) {
      for (let y = r.row; y < r.row + r.height; y++) out.set(this.row(t, z, y).subarray(r.column, r.column + r.width), y * this.shape.x + r.column);
    }
    return out;
  }

  /** A copy of row `row` of plane (t, z). */
  row(t: number, z: number, row: number): Uint8Array {
    const blocks = this.planes[(t * this.shape.z + z)];
    this.planeOffset(t, z);
    const out = new Uint8Array(this.shape.x);
    const by = Math.floor(row / LABEL_BLOCK), ry = (row % LABEL_BLOCK) * LABEL_BLOCK;
    for (let bx = 0; bx < this.blocksX; bx++) {
      const block = blocks.get(by * this.blocksX + bx);
      if (!block) continue;
      const x0 = bx * LABEL_BLOCK;
      out.set(block.subarray(ry, ry + Math.min(LABEL_BLOCK, this.shape.x - x0)), x0);
    }
    return out;
  }

  /**
   * Columns [x0, x1) of row `row` of plane (t, z) (read-only use): a view into the block when the span lies in one
   * block, else a copy — cheap for the spans of {@link candidateRects}, whatever the plane's width.
   */
  rowSpan(t: number, z: number, row: number, x0: number, x1: number): Uint8Array {
    const blocks = this.planes[t * this.shape.z + z];
    this.planeOffset(t, z);
    const by = Math.floor(row / LABEL_BLOCK), ry = (row % LABEL_BLOCK) * LABEL_BLOCK;
    const bx0 = Math.floor(x0 / LABEL_BLOCK);
    if (x1 > x0 && Math.floor((x1 - 1) / LABEL_BLOCK) === bx0) {
      const block = blocks.get(by * this.blocksX + bx0);
      const at = ry + x0 - bx0 * LABEL_BLOCK;
      return block ? block.subarray(at, at + x1 - x0) : new Uint8Array(Math.max(0, x1 - x0));
    }
    const out = new Uint8Array(Math.max(0, x1 - x0));
    for (let bx = bx0; bx * LABEL_BLOCK < x1; bx++) {
      const block = blocks.get(by * this.blocksX + bx);
      if (!block) continue;
      const from = Math.max(x0, bx * LABEL_BLOCK), to = Math.min(x1, (bx + 1) * LABEL_BLOCK, this.shape.x);
      out.set(block.subarray(ry + from - bx * LABEL_BLOCK, ry + to - bx * LABEL_BLOCK), from - x0);
    }
    return out;
  }

  writeRow(t: number, z: number, row: number, values: Uint8Array): void {
    const blocks = this.planes[t * this.shape.z + z];
    this.planeOffset(t, z);
    if (!(row >= 0 && row < this.shape.y)) throw new RangeError(`row ${row} is outside the label plane (height ${this.shape.y})`);
    const by = Math.floor(row / LABEL_BLOCK), ry = (row % LABEL_BLOCK) * LABEL_BLOCK;
    for (let bx = 0; bx < this.blocksX; bx++) {
      const x0 = bx * LABEL_BLOCK, x1 = Math.min(this.shape.x, x0 + LABEL_BLOCK);
      const key = by * this.blocksX + bx;
      let block = blocks.get(key);
      if (!block) {
        let any = false;
        for (let x = x0; x < x1; x++) if (values[x] !== 0) { any = true; break; }
        if (!any) continue;
        block = new Uint8Array(LABEL_BLOCK * LABEL_BLOCK);
        blocks.set(key, block);
      }
      block.set(values.subarray(x0, x1), ry);
    }
  }

  candidateRows(t: number, z: number): number[] {
    this.planeOffset(t, z);
    const rows = new Set<number>();
    for (const key of this.planes[t * this.shape.z + z].keys()) {
      const by = Math.floor(key / this.blocksX);
      for (let y = by * LABEL_BLOCK; y < Math.min(this.shape.y, (by + 1) * LABEL_BLOCK); y++) rows.add(y);
    }
    return [...rows].sort((a, b) => a - b);
  }

  candidateRects(t: number, z: number): { row: number; column: number; height: number; width: number }[] {
    this.planeOffset(t, z);
    const out = [];
    for (const key of [...this.planes[t * this.shape.z + z].keys()].sort((a, b) => a - b)) {
      const by = Math.floor(key / this.blocksX), bx = key - by * this.blocksX;
      const row = by * LABEL_BLOCK, column = bx * LABEL_BLOCK;
      out.push({ row, column, height: Math.min(LABEL_BLOCK, this.shape.y - row), width: Math.min(LABEL_BLOCK, this.shape.x - column) });
    }
    return out;
  }

  forEachLabelled(visit: (index: number, value: number) => void): void {
    for (let t = 0; t < this.shape.t; t++) {
      for (let z = 0; z < this.shape.z; z++) {
        const o = this.planeOffset(t, z);
        for (const row of this.candidateRows(t, z)) {
          const values = this.row(t, z, row);
          for (let x = 0; x < values.length; x++) if (values[x] !== 0) visit(o + row * this.shape.x + x, values[x]);
        }
      }
    }
  }

  changed(): void {
    this.revision++;
  }

  counts(nClasses = 0): number[] {
    if (this.cachedCounts?.revision !== this.revision) {
      const histogram = new Float64Array(256);
      let blocks = 0;
      for (const plane of this.planes) for (const block of plane.values()) { blocks++; for (let i = 0; i < block.length; i++) histogram[block[i]]++; }
      // Unlabelled = everything not counted as labelled (blocks cover only part of the image).
      histogram[0] = this.size - (blocks * LABEL_BLOCK * LABEL_BLOCK - histogram[0]);
      this.cachedCounts = { revision: this.revision, counts: histogram };
    }
    return countsUpTo(this.cachedCounts.counts, nClasses);
  }

  labelledCount(): number {
    const c = this.counts();
    return c.slice(1).reduce((a, b) => a + b, 0);
  }

  maxClass(): number {
    const c = this.counts();
    for (let k = c.length - 1; k > 0; k--) if (c[k] > 0) return k;
    return 0;
  }

  clone(): SparseLabelVolume {
    const copy = new SparseLabelVolume({ ...this.shape });
    this.planes.forEach((plane, i) => { for (const [k, b] of plane) copy.planes[i].set(k, b.slice()); });
    return copy;
  }

  /** Bytes held in blocks (memory proportional to the labelled area). */
  get byteSize(): number {
    let n = 0;
    for (const plane of this.planes) n += plane.size * LABEL_BLOCK * LABEL_BLOCK;
    return n;
  }
}

/** The labels of one image: dense for small images (fast, one array), block-sparse for big ones. */
export type LabelStore = LabelVolume | SparseLabelVolume;

/**
 * Volumes up to this many voxels (4096², the editor's tiled-view threshold) are dense; bigger ones sparse. A dense
 * 16384² store holds 256 MiB and every save, backup and training snapshot scanned all of it (~0.5 s each on the
 * extension host, issue #13); a sparse one only its labelled blocks.
 */
export const DENSE_LABEL_VOXELS = 16 * 2 ** 20;

/** A new, empty label store of `shape`: dense up to {@link DENSE_LABEL_VOXELS} voxels, else sparse. */
export function createLabelStore(shape: LabelShape, denseLimit = DENSE_LABEL_VOXELS): LabelStore {
  return shape.t * shape.z * shape.y * shape.x <= denseLimit ? new LabelVolume(shape) : new SparseLabelVolume(shape);
}

/** Makes `target` hold exactly the labels of `source` (same shape), keeping `target`'s identity. */
export function assignLabels(target: LabelStore, source: LabelStore): void {
  if (target instanceof LabelVolume && source instanceof LabelVolume) {
    target.data.set(source.data);
  } else {
    const writes: [number, number][] = [];
    target.forEachLabelled((i) => writes.push([i, 0]));
    source.forEachLabelled((i, v) => writes.push([i, v]));
    for (const [i, v] of writes) target.setAt(i, v);
  }
  target.changed();
}

/** True when two stores of the same shape hold the same labels. */
export function sameLabels(a: LabelStore, b: LabelStore): boolean {
  if (a.size !== b.size) return false;
  if (a instanceof LabelVolume && b instanceof LabelVolume) {
    for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
    return true;
  }
  let same = a.labelledCount() === b.labelledCount();
  if (same) a.forEachLabelled((i, v) => { if (same && b.getAt(i) !== v) same = false; });
  return same;
}

/** All labels as one dense array in flat-index order (a view of a dense store; a copy of a sparse one). */
export function denseLabels(store: LabelStore): Uint8Array {
  if (store instanceof LabelVolume) return store.data;
  const out = new Uint8Array(store.size);
  store.forEachLabelled((i, v) => { out[i] = v; });
  return out;
}
