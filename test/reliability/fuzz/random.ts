/**
 * Seeded pseudo-random numbers for the fuzz campaigns: every mutated input is a pure function of
 * (campaign seed, input index), so any failure is reproduced by its index alone.
 */

/** mulberry32: a tiny, fast 32-bit PRNG with a good enough spread for fuzzing. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Random generator for input `index` of a campaign seeded with `seed` (independent streams). */
  static forInput(seed: number, index: number): Random {
    return new Random(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
  }

  /** Uniform 32-bit unsigned integer. */
  uint32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.uint32() / 2 ** 32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : Math.floor(this.next() * n);
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A random element. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}
