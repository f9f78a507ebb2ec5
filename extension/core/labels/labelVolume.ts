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
    const counts = Array.from(this.cachedCounts.counts);
    let last = nClasses;
    for (let k = 255; k > last; k--) if (counts[k] > 0) { last = k; break; }
    return counts.slice(0, last + 1);
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
}
