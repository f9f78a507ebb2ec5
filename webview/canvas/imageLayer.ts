/**
 * Raw image planes received from the host and their rendering into an image-resolution canvas.
 * Rendered planes are cached as ImageData per (t, z, display settings) under a byte budget, so
 * flipping through z/t or toggling overlays does not re-run the LUT.
 */
import type { ImagePlaneMessage } from '../../extension/protocol';
import { type DisplayLayer, type PlaneArray, planeArray, renderLayers } from './lut';
import { toArrayBuffer } from '../rpc';

/** One raw plane with its statistics: an `image/plane` message with its samples as a typed array. */
export interface RawPlane extends Omit<ImagePlaneMessage, 'type' | 'data'> {
  data: PlaneArray;
}

const planeKey = (t: number, z: number, c: number): string => `${t}/${z}/${c}`;

/** Raw planes by (t, z, c), least recently used dropped beyond a byte budget. */
export class PlaneStore {
  private readonly planes = new Map<string, RawPlane>();
  private readonly requested = new Set<string>();
  private bytes = 0;

  constructor(private readonly budgetBytes = 768 * 1024 * 1024) {}

  get(t: number, z: number, c: number): RawPlane | undefined {
    const key = planeKey(t, z, c);
    const p = this.planes.get(key);
    if (p) { this.planes.delete(key); this.planes.set(key, p); }
    return p;
  }

  /** True if the plane is neither present nor already requested; marks it requested. */
  shouldRequest(t: number, z: number, c: number): boolean {
    const key = planeKey(t, z, c);
    if (this.planes.has(key) || this.requested.has(key)) return false;
    this.requested.add(key);
    return true;
  }

  /** Stores a received plane (validating its size). */
  put(msg: ImagePlaneMessage): RawPlane {
    const key = planeKey(msg.t, msg.z, msg.c);
    this.requested.delete(key);
    const data = planeArray(msg.dtype, toArrayBuffer(msg.data), msg.width * msg.height);
    const plane: RawPlane = { t: msg.t, z: msg.z, c: msg.c, width: msg.width, height: msg.height, dtype: msg.dtype, data, stats: msg.stats };
    const old = this.planes.get(key);
    if (old) { this.bytes -= old.data.byteLength; this.planes.delete(key); }
    this.planes.set(key, plane);
    this.bytes += data.byteLength;
    for (const [k, p] of this.planes) {
      if (this.bytes <= this.budgetBytes || this.planes.size <= 1) break;
      if (k === key) continue;
      this.planes.delete(k);
      this.bytes -= p.data.byteLength;
    }
    return plane;
  }

  /** Forgets outstanding requests (after an error the same plane may be asked for again). */
  clearRequests(): void {
    this.requested.clear();
  }
}

/** The rendered image of the current plane, as an image-resolution canvas. */
export class ImageLayer {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly cache = new Map<string, ImageData>();
  private cacheBytes = 0;
  /** Key of what the canvas currently shows. */
  shownKey = '';

  constructor(private readonly budgetBytes = 256 * 1024 * 1024) {
    this.canvas = document.createElement('canvas');
    const ctx = this.canvas.getContext('2d');
    if (!ctx) throw new Error('Canvas 2D is not available');
    this.ctx = ctx;
  }

  /** Renders `layers` (all of size width × height) unless `key` is already shown. */
  show(key: string, width: number, height: number, layers: DisplayLayer[]): void {
    if (key === this.shownKey && this.canvas.width === width && this.canvas.height === height) return;
    let image = this.cache.get(key);
    if (image) {
      this.cache.delete(key);
      this.cache.set(key, image);
    } else {
      image = new ImageData(width, height);
      renderLayers(layers, width * height, image.data);
      const size = width * height * 4;
      if (size <= this.budgetBytes) {
        this.cache.set(key, image);
        this.cacheBytes += size;
        for (const [k, v] of this.cache) {
          if (this.cacheBytes <= this.budgetBytes) break;
          if (k === key) continue;
          this.cache.delete(k);
          this.cacheBytes -= v.data.byteLength;
        }
      }
    }
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    this.ctx.putImageData(image, 0, 0);
    this.shownKey = key;
  }

  /** Drops cached renderings (contrast or LUT changed). */
  invalidate(): void {
    this.cache.clear();
    this.cacheBytes = 0;
    this.shownKey = '';
  }
}
