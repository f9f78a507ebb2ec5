/**
 * A small byte-budgeted LRU cache with async, de-duplicated loading. Used for decoded display planes
 * (so switching channels or z back and forth does not decode again) and, through {@link LruCache},
 * as the basis of the feature cache.
 */

/** Least-recently-used map whose entries have a byte size; evicts oldest entries over the budget. */
export class LruCache<K, V> {
  private readonly map = new Map<K, { value: V; bytes: number }>();
  private total = 0;

  /**
   * @param budgetBytes maximum summed size; an entry larger than the budget is not stored
   * @param onEvict called for every evicted or deleted entry (e.g. to release buffers)
   */
  constructor(private budgetBytes: number, private readonly onEvict?: (key: K, value: V) => void) {}

  /** Summed size of all entries in bytes. */
  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.map.size;
  }

  get budget(): number {
    return this.budgetBytes;
  }

  /** Changes the budget and evicts down to it. */
  setBudget(budgetBytes: number): void {
    this.budgetBytes = budgetBytes;
    this.evict();
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /** Returns the value and marks it most recently used. */
  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  /** Inserts or replaces; returns false when the value alone exceeds the budget (then nothing is stored). */
  set(key: K, value: V, bytes: number): boolean {
    this.delete(key);
    if (bytes > this.budgetBytes) return false;
    this.map.set(key, { value, bytes });
    this.total += bytes;
    this.evict();
    return true;
  }

  delete(key: K): boolean {
    const e = this.map.get(key);
    if (!e) return false;
    this.map.delete(key);
    this.total -= e.bytes;
    this.onEvict?.(key, e.value);
    return true;
  }

  clear(): void {
    for (const k of [...this.map.keys()]) this.delete(k);
  }

  /** Keys from least to most recently used. */
  keys(): K[] {
    return [...this.map.keys()];
  }

  private evict(): void {
    for (const [k] of this.map) {
      if (this.total <= this.budgetBytes) break;
      this.delete(k);
    }
  }
}

/** An {@link LruCache} of values loaded asynchronously; concurrent requests for one key share one load. */
export class AsyncLruCache<V> {
  private readonly cache: LruCache<string, V>;
  private readonly pending = new Map<string, Promise<V>>();

  constructor(budgetBytes: number, private readonly sizeOf: (value: V) => number) {
    this.cache = new LruCache(budgetBytes);
  }

  /** Returns the cached value or loads it once (failures are not cached). */
  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const inflight = this.pending.get(key);
    if (inflight) return inflight;
    const p = load().then(
      (v) => {
        this.pending.delete(key);
        this.cache.set(key, v, this.sizeOf(v));
        return v;
      },
      (e) => {
        this.pending.delete(key);
        throw e;
      },
    );
    this.pending.set(key, p);
    return p;
  }

  clear(): void {
    this.cache.clear();
  }
}
