/**
 * A small LRU of decoded chunks, by byte budget, sharing in-flight decodes: reading the planes of a stack whose
 * chunks span several z (e.g. 64³) decodes each chunk once instead of once per plane.
 */

/** Something with a byte size. */
interface Sized { data: { byteLength: number } }

/** An LRU of promises of decoded chunks; failed decodes are not kept. */
export class ChunkCache<T extends Sized> {
  private readonly entries = new Map<string, { value: Promise<T>; bytes: number }>();
  private bytes = 0;

  constructor(private readonly budgetBytes: number) {}

  /** The cached value for `key`, else `load()` (remembered once it resolves, if it fits the budget). */
  get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const value = load();
    const entry = { value, bytes: 0 };
    this.entries.set(key, entry);
    value.then((v) => {
      if (this.entries.get(key) !== entry) return;
      entry.bytes = v.data.byteLength;
      if (entry.bytes > this.budgetBytes) { this.entries.delete(key); return; }
      this.bytes += entry.bytes;
      for (const [k, e] of this.entries) {
        if (this.bytes <= this.budgetBytes) break;
        if (e.bytes === 0) continue; // still loading
        this.entries.delete(k);
        this.bytes -= e.bytes;
      }
    }, () => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  /** Bytes held. */
  get size(): number {
    return this.bytes;
  }
}
