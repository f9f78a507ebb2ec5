/**
 * Small, fast, seedable PRNG for the random forest (issue #4).
 *
 * Why our own: `Math.random` cannot be seeded, and determinism is a requirement — tree `i` of a forest
 * must depend only on `(seed, i)` so that any partition of the trees over workers gives byte-identical
 * models. The generator is xoshiro128** (Blackman & Vigna), 32-bit state words, seeded through
 * splitmix32 from a hash of `(seed, treeIndex)`. All arithmetic is on 32-bit integers (`Math.imul`,
 * `>>> 0`), so results are identical on every JavaScript engine.
 */

/** splitmix32 step: scrambles a 32-bit value; used for seeding only. */
function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/**
 * Deterministic random stream of one tree.
 *
 * @example
 * const rng = new TreeRandom(0, 3); // forest seed 0, tree 3
 * const k = rng.below(10);          // integer in [0, 10)
 */
export class TreeRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /**
   * @param seed forest seed (any integer; taken modulo 2^32)
   * @param stream stream index, the tree index within the forest
   */
  constructor(seed: number, stream: number) {
    let h = splitmix32((seed >>> 0) ^ 0x5f3759df);
    h = splitmix32((h ^ Math.imul(stream >>> 0, 0x85ebca6b)) >>> 0);
    this.s0 = h = splitmix32(h);
    this.s1 = h = splitmix32(h);
    this.s2 = h = splitmix32(h);
    this.s3 = h = splitmix32(h);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // all-zero state is a fixed point
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /**
   * Copies the generator state (four 32-bit words) to `out[at, at + 4)`, e.g. to continue the stream
   * in a WebAssembly kernel that implements the same generator; see {@link TreeRandom.readState}.
   */
  writeState(out: Uint32Array, at = 0): void {
    out[at] = this.s0; out[at + 1] = this.s1; out[at + 2] = this.s2; out[at + 3] = this.s3;
  }

  /** Continues from a state written by {@link TreeRandom.writeState} (and possibly advanced elsewhere). */
  readState(from: Uint32Array, at = 0): void {
    this.s0 = from[at] | 0; this.s1 = from[at + 1] | 0; this.s2 = from[at + 2] | 0; this.s3 = from[at + 3] | 0;
  }

  /** Uniform integer in `[0, n)` for `1 ≤ n ≤ 2^32` (multiply-shift; bias < n / 2^32, irrelevant here). */
  below(n: number): number {
    return Math.floor((this.nextUint32() / 4294967296) * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
