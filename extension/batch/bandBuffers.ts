/**
 * Reuse of the band buffers a batch run assembles its results in (issue #18). Every band of every image used to be a
 * fresh allocation (20 × 1024² probabilities: 160 MB of float32 in 40 bands), which on the main thread meant a garbage
 * collection every few bands (about a tenth of its time) and fresh pages to fault in. A band's buffers come back here
 * once the sink has written it (every sink copies or writes what it is given before its `writeBand` resolves) and the
 * next band of the same size takes them; tiles overwrite every sample of their band, so nothing is cleared.
 */
import type { PixelArray } from '../core/image/imageModel';

/** Buffers kept per size: the bands in flight of the two images a run predicts at once. */
const KEEP_PER_SIZE = 4;

/**
 * Bytes kept at most: bands of small images (4 MiB for two classes of 1024 × 512) are reused; those of big images,
 * which come one at a time within the run's memory limit, are not held beyond their band.
 */
const KEEP_BYTES = 32 * 2 ** 20;

/** A pool of band buffers for one batch run; drop it (or {@link BandBuffers.clear}) when the run ends. */
export class BandBuffers {
  private readonly spare = new Map<string, PixelArray[][]>();
  private kept = 0;

  /** `channels` buffers of `size` samples of `dtype`: reused when some were given back, otherwise new (zeroed). */
  take(dtype: 'uint8' | 'float32', channels: number, size: number): PixelArray[] {
    const reused = this.spare.get(keyOf(dtype, channels, size))?.pop();
    if (reused) {
      this.kept -= bytesOf(reused);
      return reused;
    }
    return Array.from({ length: channels }, () => (dtype === 'uint8' ? new Uint8Array(size) : new Float32Array(size)));
  }

  /** Gives back buffers from {@link take} whose contents are no longer needed. */
  give(buffers: PixelArray[]): void {
    if (buffers.length === 0) return;
    const key = keyOf(buffers[0] instanceof Uint8Array ? 'uint8' : 'float32', buffers.length, buffers[0].length);
    const list = this.spare.get(key) ?? [];
    const bytes = bytesOf(buffers);
    if (list.length >= KEEP_PER_SIZE || this.kept + bytes > KEEP_BYTES) return;
    list.push(buffers);
    this.kept += bytes;
    this.spare.set(key, list);
  }

  /** Forgets every buffer. */
  clear(): void {
    this.spare.clear();
    this.kept = 0;
  }
}

function bytesOf(buffers: PixelArray[]): number {
  return buffers.reduce((n, b) => n + b.byteLength, 0);
}

function keyOf(dtype: string, channels: number, size: number): string {
  return `${dtype}/${channels}/${size}`;
}
