/**
 * Bookkeeping of live predictions, without any drawing (pure, unit-tested): one {@link PredictionPlane}
 * per (t, z), generations, stale tiles, the count of composited tiles and a memory budget.
 *
 * Generations: after `prediction/clear` with generation g, tiles with generation < g are ignored. A
 * clear either wipes everything at once or (live update on) keeps the old planes visible until new tiles
 * replace them; {@link PredictionStore.dropStale} removes planes that got no tile since the last clear.
 */
import type { PixelBox } from '../../extension/protocol';
import { type PredictionPlane, compositeTile, createPredictionPlane, probabilitiesAt } from './overlays';

/** A tile as the store needs it (the `prediction/tile` message with its bytes as a Uint8Array). */
export interface PredictionTile {
  t: number;
  z: number;
  box: PixelBox;
  nClasses: number;
  generation: number;
  probabilities: Uint8Array;
}

/** Result of adding a tile. */
export interface TileResult {
  plane: PredictionPlane;
  /** The part of the plane written (clipped to the image). */
  box: PixelBox;
  /** True when the plane was (re)created, so everything drawn from it is out of date. */
  newPlane: boolean;
}

const key = (t: number, z: number): string => `${t}/${z}`;

export class PredictionStore {
  private readonly planes = new Map<string, PredictionPlane>();
  /** Generation of the last `prediction/clear` (−1 before any). */
  generation = -1;
  /** Tiles composited so far. */
  tilesDrawn = 0;

  /** @param maxBytes probability bytes kept over all planes; the least recently updated planes go first. */
  constructor(readonly width: number, readonly height: number, private readonly maxBytes = 512 * 1024 * 1024) {}

  get(t: number, z: number): PredictionPlane | undefined {
    return this.planes.get(key(t, z));
  }

  /** Probabilities (0..1 per class) at a pixel of plane (t, z), if predicted. */
  probabilitiesAt(t: number, z: number, column: number, row: number): number[] | undefined {
    const plane = this.planes.get(key(t, z));
    return plane ? probabilitiesAt(plane, column, row) : undefined;
  }

  /** `prediction/clear`: raises the generation; wipes all planes unless `keepVisible`. Returns true if planes were wiped. */
  clear(generation: number, keepVisible: boolean): boolean {
    this.generation = Math.max(this.generation, generation);
    if (keepVisible || this.planes.size === 0) return false;
    this.planes.clear();
    return true;
  }

  /** Removes planes without a tile of the current generation; returns the keys (t/z) removed. */
  dropStale(): string[] {
    const removed: string[] = [];
    for (const [k, plane] of this.planes) {
      if (plane.generation < this.generation) { this.planes.delete(k); removed.push(k); }
    }
    return removed;
  }

  /** Adds a tile; undefined when it is stale (older generation) or malformed. */
  add(tile: PredictionTile): TileResult | undefined {
    const { box, nClasses } = tile;
    if (tile.generation < this.generation) return undefined;
    if (!(nClasses >= 1) || !(box.width > 0) || !(box.height > 0)) return undefined;
    if (tile.probabilities.length < nClasses * box.width * box.height) return undefined;
    const k = key(tile.t, tile.z);
    let plane = this.planes.get(k);
    let newPlane = false;
    if (!plane || plane.nClasses !== nClasses) {
      plane = createPredictionPlane(this.width, this.height, nClasses);
      newPlane = true;
    }
    // Most recently updated last (LRU order for the budget).
    this.planes.delete(k);
    this.planes.set(k, plane);
    if (tile.generation > plane.generation) plane.generation = tile.generation;
    const written = compositeTile(plane, box, tile.probabilities);
    this.tilesDrawn++;
    this.enforceBudget(k);
    return { plane, box: written, newPlane };
  }

  private enforceBudget(keep: string): void {
    let bytes = 0;
    for (const p of this.planes.values()) bytes += p.probs.length + p.covered.length;
    for (const [k, p] of this.planes) {
      if (bytes <= this.maxBytes) break;
      if (k === keep) continue;
      this.planes.delete(k);
      bytes -= p.probs.length + p.covered.length;
    }
  }
}
