/**
 * Per-document cache of feature tiles under a memory budget (issue #5: "features are cached per block
 * with an LRU under a memory budget, so repainting never recomputes them").
 *
 * A tile's features are `[channel][row][column]` float32 of the tile box, stored in SharedArrayBuffers
 * so every prediction job reads them without a copy. Keys include the feature selection, so changing
 * features never serves stale tiles; concurrent requests for one tile share one computation.
 */
import { toShared } from '../workers/parallelForest';
import { isAbort } from './liveScheduler';
import { LruCache } from './planeCache';

/** Predicted tiles whose features a cache must hold for caching them to pay (see {@link FeatureCache.keeps}). */
export const PREDICTED_TILES_WORTH_CACHING = 8;

/** The LRU feature-tile cache. */
export class FeatureCache {
  private readonly lru: LruCache<string, Float32Array>;
  private readonly pending = new Map<string, Promise<Float32Array>>();
  /** Tiles computed (cache misses) since creation, for status and tests. */
  computed = 0;
  /** Tiles served from the cache. */
  hits = 0;

  constructor(budgetBytes: number) {
    this.lru = new LruCache(budgetBytes);
  }

  /**
   * Whether the features of a tile of `bytes` that is only predicted are worth caching: the budget holds
   * {@link PREDICTED_TILES_WORTH_CACHING} such tiles, a good part of a view. With less, each tile cached only pushes out
   * the one before it — and the labelled tiles' features, which every training reads again after each stroke — while
   * every tile's features travel to the cache for nothing (the browser's 32 MiB holds two 256² tiles of all 49
   * features: with a limit of two, predicted tiles took turns evicting the labelled tiles').
   */
  keeps(bytes: number): boolean {
    return PREDICTED_TILES_WORTH_CACHING * bytes <= this.lru.budget;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.lru.bytes;
  }

  /** Number of cached tiles. */
  get size(): number {
    return this.lru.size;
  }

  setBudget(budgetBytes: number): void {
    this.lru.setBudget(budgetBytes);
  }

  /** Cached features of `key` without computing, or undefined. */
  peek(key: string): Float32Array | undefined {
    return this.lru.get(key);
  }

  /**
   * The features of `key`, computed by `compute` on a miss (then copied into shared memory and cached
   * when they fit the budget). A failed or cancelled computation is not cached. A caller that joins a
   * computation started by another one, which is then cancelled (a newer run cancels the older one while
   * both wait for the same tile), computes the tile itself unless its own `signal` was aborted too.
   */
  async get(key: string, compute: () => Promise<Float32Array>, signal?: AbortSignal): Promise<Float32Array> {
    const hit = this.lru.get(key);
    if (hit) {
      this.hits++;
      return hit;
    }
    const inflight = this.pending.get(key);
    if (inflight) {
      return inflight.catch((e: unknown) => {
        if (signal?.aborted || !isAbort(e)) throw e;
        return this.get(key, compute, signal);
      });
    }
    const p = (async () => {
      try {
        const features = toShared(await compute());
        this.computed++;
        this.lru.set(key, features, features.byteLength);
        return features;
      } finally {
        this.pending.delete(key);
      }
    })();
    this.pending.set(key, p);
    return p;
  }

  clear(): void {
    this.lru.clear();
  }
}
