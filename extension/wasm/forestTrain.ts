// AssemblyScript: split search of random-forest training (compiled by scripts/buildWasm.mjs). The JS
// driver is extension/core/forest/growTree.ts, which grows the tree and calls these per candidate feature.
//
// Memory layout, all byte offsets into this module's memory, placed by growTree.ts (TreeScratch):
// - codes: one-byte bin codes `[feature][sample]`; callers pass the start of one feature's column.
// - idx: u32 sample of each position; pay: i32 `(bootstrap weight << 8) | class` of each position
//   (a node owns positions [start, end)).
// - hist: i32 class histogram `[bin][class]`, 256·K words.
// - counts: i32 class counts (bootstrap draws) of the node, K words.
// - result: f64 best proxy at +0 (read and updated), i32 best bin at +8, i32 left class counts of the
//   best split at +16 (K words), i32 scratch of K words after them.
// - sortKey / sortPay: i32 scratch for the sorted search of small nodes.
//
// The split criterion is the Gini proxy Σ_k L_k²/w_L + Σ_k R_k²/w_R (maximising it minimises the
// weighted Gini impurity of the children), computed in f64 from exact integer counts in a fixed
// order, so results do not depend on the engine. A split replaces the best only when strictly better,
// so ties keep the first candidate (lower bin, earlier feature).

/**
 * Class histogram of positions [start, end) on one code column: `hist[code·K + class] += weight`.
 * (Two interleaved histograms, which help the same loop in JavaScript, measured slower here.)
 */
function accumulate(hist: usize, size: i32, K: i32, codes: usize, idx: usize, pay: usize, start: i32, end: i32): void {
  memory.fill(hist, 0, <usize>size << 2);
  if (K == 2) {
    let i = start;
    for (; i + 1 < end; i += 2) {
      const at = <usize>i << 2;
      const p = load<i32>(pay + at);
      const q = load<i32>(pay + at, 4);
      const a = <i32>load<u8>(codes + <usize>load<u32>(idx + at));
      const b = <i32>load<u8>(codes + <usize>load<u32>(idx + at, 4));
      const ha = hist + (<usize>((a << 1) | (p & 1)) << 2);
      store<i32>(ha, load<i32>(ha) + (p >> 8));
      const hb = hist + (<usize>((b << 1) | (q & 1)) << 2);
      store<i32>(hb, load<i32>(hb) + (q >> 8));
    }
    if (i < end) {
      const at = <usize>i << 2;
      const p = load<i32>(pay + at);
      const h = hist + (<usize>((<i32>load<u8>(codes + <usize>load<u32>(idx + at)) << 1) | (p & 1)) << 2);
      store<i32>(h, load<i32>(h) + (p >> 8));
    }
    return;
  }
  for (let i = start; i < end; i++) {
    const at = <usize>i << 2;
    const p = load<i32>(pay + at);
    const h = hist + (<usize>(<i32>load<u8>(codes + <usize>load<u32>(idx + at)) * K + (p & 255)) << 2);
    store<i32>(h, load<i32>(h) + (p >> 8));
  }
}

@inline function sq(v: i32): f64 {
  const d = <f64>v;
  return d * d;
}

/**
 * Gini split score up to constants (higher is better): Σ_k left_k² / wL + Σ_k right_k² / wR, with the left
 * class counts at `left`, the node's at `counts` (right = node − left), K classes.
 */
@inline function splitScore(left: usize, counts: usize, K: i32, wL: i32, wR: i32): f64 {
  let sL: f64 = 0;
  let sR: f64 = 0;
  for (let k = 0; k < K; k++) {
    const lk = load<i32>(left + (<usize>k << 2));
    sL += sq(lk);
    sR += sq(load<i32>(counts + (<usize>k << 2)) - lk);
  }
  return sL / <f64>wL + sR / <f64>wR;
}

/** Scan of bins 0..nb-1 for two classes; returns 1 when the best in `result` improved. */
function scan2(hist: usize, nb: i32, W: i32, minLeaf: i32, counts: usize, result: usize): i32 {
  const c0 = load<i32>(counts);
  const c1 = load<i32>(counts, 4);
  let best = load<f64>(result);
  let bestBin = -1;
  let best0 = 0;
  let best1 = 0;
  let l0 = 0;
  let l1 = 0;
  for (let b = 0; b < nb - 1; b++) {
    const h = hist + (<usize>b << 3);
    const h0 = load<i32>(h);
    const h1 = load<i32>(h, 4);
    if ((h0 | h1) == 0) continue;
    l0 += h0;
    l1 += h1;
    const wL = l0 + l1;
    const wR = W - wL;
    if (wR < minLeaf) break;
    if (wL < minLeaf) continue;
    const proxy = (sq(l0) + sq(l1)) / <f64>wL + (sq(c0 - l0) + sq(c1 - l1)) / <f64>wR;
    if (proxy > best) { best = proxy; bestBin = b; best0 = l0; best1 = l1; }
  }
  if (bestBin < 0) return 0;
  store<f64>(result, best);
  store<i32>(result, bestBin, 8);
  store<i32>(result, best0, 16);
  store<i32>(result, best1, 20);
  return 1;
}

/** Scan for three or four classes (a missing fourth class counts 0, adding exactly 0). */
function scan4(hist: usize, nb: i32, K: i32, W: i32, minLeaf: i32, counts: usize, result: usize): i32 {
  const four = K == 4;
  const c0 = load<i32>(counts);
  const c1 = load<i32>(counts, 4);
  const c2 = load<i32>(counts, 8);
  const c3 = four ? load<i32>(counts, 12) : 0;
  let best = load<f64>(result);
  let bestBin = -1;
  let best0 = 0;
  let best1 = 0;
  let best2 = 0;
  let best3 = 0;
  let l0 = 0;
  let l1 = 0;
  let l2 = 0;
  let l3 = 0;
  for (let b = 0; b < nb - 1; b++) {
    const h = hist + (<usize>(b * K) << 2);
    const h0 = load<i32>(h);
    const h1 = load<i32>(h, 4);
    const h2 = load<i32>(h, 8);
    const h3 = four ? load<i32>(h, 12) : 0;
    if ((h0 | h1 | h2 | h3) == 0) continue;
    l0 += h0;
    l1 += h1;
    l2 += h2;
    l3 += h3;
    const wL = l0 + l1 + l2 + l3;
    const wR = W - wL;
    if (wR < minLeaf) break;
    if (wL < minLeaf) continue;
    const proxy = (sq(l0) + sq(l1) + sq(l2) + sq(l3)) / <f64>wL
      + (sq(c0 - l0) + sq(c1 - l1) + sq(c2 - l2) + sq(c3 - l3)) / <f64>wR;
    if (proxy > best) { best = proxy; bestBin = b; best0 = l0; best1 = l1; best2 = l2; best3 = l3; }
  }
  if (bestBin < 0) return 0;
  store<f64>(result, best);
  store<i32>(result, bestBin, 8);
  store<i32>(result, best0, 16);
  store<i32>(result, best1, 20);
  store<i32>(result, best2, 24);
  if (four) store<i32>(result, best3, 28);
  return 1;
}

/** Scan for any number of classes, with the running left counts in the scratch after the result. */
function scanK(hist: usize, nb: i32, K: i32, W: i32, minLeaf: i32, counts: usize, result: usize): i32 {
  const bestLeft = result + 16;
  const left = bestLeft + (<usize>K << 2);
  memory.fill(left, 0, <usize>K << 2);
  let best = load<f64>(result);
  let improved = 0;
  let wL = 0;
  for (let b = 0; b < nb - 1; b++) {
    const h = hist + (<usize>(b * K) << 2);
    let bw = 0;
    for (let k = 0; k < K; k++) {
      const v = load<i32>(h + (<usize>k << 2));
      const l = left + (<usize>k << 2);
      store<i32>(l, load<i32>(l) + v);
      bw += v;
    }
    if (bw == 0) continue;
    wL += bw;
    const wR = W - wL;
    if (wR < minLeaf) break;
    if (wL < minLeaf) continue;
    const proxy = splitScore(left, counts, K, wL, wR);
    if (proxy > best) {
      best = proxy;
      improved = 1;
      store<i32>(result, b, 8);
      memory.copy(bestLeft, left, <usize>K << 2);
    }
  }
  if (improved) store<f64>(result, best);
  return improved;
}

/**
 * Best split "code ≤ b" of one feature for the node's positions [start, end): histogram, then scan.
 * @returns 1 when `result` now holds a better split than before
 */
export function searchHistogram(
  hist: usize, codes: usize, idx: usize, pay: usize, start: i32, end: i32, nb: i32, K: i32, W: i32, minLeaf: i32,
  counts: usize, result: usize,
): i32 {
  accumulate(hist, nb * K, K, codes, idx, pay, start, end);
  if (K == 2) return scan2(hist, nb, W, minLeaf, counts, result);
  if (K <= 4) return scan4(hist, nb, K, W, minLeaf, counts, result);
  return scanK(hist, nb, K, W, minLeaf, counts, result);
}

/**
 * Same result as {@link searchHistogram} for small nodes: insertion-sorts the positions' (code,
 * payload) pairs and evaluates each boundary between distinct codes in increasing code order.
 */
export function searchSorted(
  codes: usize, idx: usize, pay: usize, start: i32, end: i32, K: i32, W: i32, minLeaf: i32,
  counts: usize, result: usize, sortKey: usize, sortPay: usize,
): i32 {
  const n = end - start;
  for (let j = 0; j < n; j++) {
    const at = <usize>(start + j) << 2;
    const c = <i32>load<u8>(codes + <usize>load<u32>(idx + at));
    const p = load<i32>(pay + at);
    let q = j;
    while (q > 0) {
      const prev = load<i32>(sortKey + (<usize>(q - 1) << 2));
      if (prev <= c) break;
      store<i32>(sortKey + (<usize>q << 2), prev);
      store<i32>(sortPay + (<usize>q << 2), load<i32>(sortPay + (<usize>(q - 1) << 2)));
      q--;
    }
    store<i32>(sortKey + (<usize>q << 2), c);
    store<i32>(sortPay + (<usize>q << 2), p);
  }
  if (load<i32>(sortKey) == load<i32>(sortKey + (<usize>(n - 1) << 2))) return 0; // one bin in this node
  const bestLeft = result + 16;
  const left = bestLeft + (<usize>K << 2);
  memory.fill(left, 0, <usize>K << 2);
  let best = load<f64>(result);
  let improved = 0;
  let wL = 0;
  for (let j = 0; j < n - 1; j++) {
    const p = load<i32>(sortPay + (<usize>j << 2));
    const l = left + (<usize>(p & 255) << 2);
    store<i32>(l, load<i32>(l) + (p >> 8));
    wL += p >> 8;
    const key = load<i32>(sortKey + (<usize>j << 2));
    if (load<i32>(sortKey + (<usize>(j + 1) << 2)) == key) continue;
    const wR = W - wL;
    if (wR < minLeaf) break;
    if (wL < minLeaf) continue;
    const proxy = splitScore(left, counts, K, wL, wR);
    if (proxy > best) {
      best = proxy;
      improved = 1;
      store<i32>(result, key, 8);
      memory.copy(bestLeft, left, <usize>K << 2);
    }
  }
  if (improved) store<f64>(result, best);
  return improved;
}

// ---- partitions -------------------------------------------------------------------------------------

/**
 * Raw value of position-space sample `sample` in a value column: when a tree grows from a subsample, its
 * samples are numbered 0..m-1 and `orig` (m u32) maps them to training-set samples; `orig` 0 = no mapping.
 */
@inline function valueAt(values: usize, orig: usize, sample: u32): f32 {
  const s = orig != 0 ? load<u32>(orig + (<usize>sample << 2)) : sample;
  return load<f32>(values + (<usize>s << 2));
}

/**
 * Stable partition of positions [start, end): those whose code (column `codes`) is ≤ `bin` first, with
 * their payloads; the right part goes through `tmpIdx` / `tmpPay`. Stable, so positions stay in
 * increasing sample order (the bootstrap writes them that way) and later passes over a node read each
 * code column front to back. Returns the end of the left part; stores the largest raw value going left
 * and the smallest going right (column `values`, f32) at `minmax` and `minmax + 4`, and the lowest bin
 * going right (i32) at `minmax + 8`.
 */
export function partitionByCode(
  codes: usize, values: usize, idx: usize, pay: usize, start: i32, end: i32, bin: i32, minmax: usize,
  tmpIdx: usize, tmpPay: usize, orig: usize,
): i32 {
  let l = start;
  let r = 0;
  // The largest value going left is in bin `bin` (the split was found at a bin holding node samples)
  // and the smallest going right in the lowest bin above it: only those samples' values are read.
  let leftMax: f32 = -Infinity;
  let rightMin: f32 = Infinity;
  let rightBin = 256;
  for (let i = start; i < end; i++) {
    const at = <usize>i << 2;
    const sample = load<u32>(idx + at);
    const p = load<i32>(pay + at);
    const c = <i32>load<u8>(codes + <usize>sample);
    if (c <= bin) {
      store<u32>(idx + (<usize>l << 2), sample);
      store<i32>(pay + (<usize>l << 2), p);
      l++;
      if (c == bin) {
        const v = valueAt(values, orig, sample);
        if (v > leftMax) leftMax = v;
      }
    } else {
      store<u32>(tmpIdx + (<usize>r << 2), sample);
      store<i32>(tmpPay + (<usize>r << 2), p);
      r++;
      if (c <= rightBin) {
        const v = valueAt(values, orig, sample);
        if (c < rightBin) { rightBin = c; rightMin = v; } else if (v < rightMin) rightMin = v;
      }
    }
  }
  memory.copy(idx + (<usize>l << 2), tmpIdx, <usize>r << 2);
  memory.copy(pay + (<usize>l << 2), tmpPay, <usize>r << 2);
  store<f32>(minmax, leftMax);
  store<f32>(minmax, rightMin, 4);
  store<i32>(minmax, rightBin, 8);
  return l;
}

/**
 * Stable partition of out-of-bag samples `idx[start, end)` by `value <= threshold` for a split between
 * bins `bin` and `rightBin` (as left by {@link partitionByCode}; the threshold lies between a value of
 * bin `bin` and one of bin `rightBin`): codes below `bin` go left and codes above `rightBin` go right
 * without reading the value. Returns the end of the left part.
 */
export function partitionOob(
  codes: usize, values: usize, idx: usize, start: i32, end: i32, bin: i32, rightBin: i32, threshold: f32, tmpIdx: usize,
  orig: usize,
): i32 {
  let l = start;
  let r = 0;
  for (let i = start; i < end; i++) {
    const sample = load<u32>(idx + (<usize>i << 2));
    const c = <i32>load<u8>(codes + <usize>sample);
    const left = c < bin || (c <= rightBin && valueAt(values, orig, sample) <= threshold);
    if (left) {
      store<u32>(idx + (<usize>l << 2), sample);
      l++;
    } else {
      store<u32>(tmpIdx + (<usize>r << 2), sample);
      r++;
    }
  }
  memory.copy(idx + (<usize>l << 2), tmpIdx, <usize>r << 2);
  return l;
}

/**
 * Stable partition of samples `idx[start, end)`: those with `value <= threshold` (column `values`) first,
 * moving the payloads along when `pay` is not 0; the right part goes through `tmpIdx` / `tmpPay`.
 * Returns the end of the left part.
 */
export function partitionByValue(
  values: usize, idx: usize, pay: usize, start: i32, end: i32, threshold: f32, tmpIdx: usize, tmpPay: usize, orig: usize,
): i32 {
  let l = start;
  let r = 0;
  for (let i = start; i < end; i++) {
    const at = <usize>i << 2;
    const sample = load<u32>(idx + at);
    const left = valueAt(values, orig, sample) <= threshold;
    if (pay != 0) {
      const p = load<i32>(pay + at);
      if (left) store<i32>(pay + (<usize>l << 2), p);
      else store<i32>(tmpPay + (<usize>r << 2), p);
    }
    if (left) {
      store<u32>(idx + (<usize>l << 2), sample);
      l++;
    } else {
      store<u32>(tmpIdx + (<usize>r << 2), sample);
      r++;
    }
  }
  memory.copy(idx + (<usize>l << 2), tmpIdx, <usize>r << 2);
  if (pay != 0) memory.copy(pay + (<usize>l << 2), tmpPay, <usize>r << 2);
  return l;
}

// ---- bootstrap --------------------------------------------------------------------------------------

/**
 * Bootstrap sample of one tree: `n` draws with replacement from the xoshiro128** stream whose state
 * (four u32) is at `state` — the same generator and the same `below(n)` as extension/core/forest/
 * treeRandom.ts, so the JS stream continues from the state written back. Writes the draw count of
 * each sample (`weight`, i32), the in-bag samples in increasing order (`idx`) with their payloads
 * `(count << 8) | class` (`pay`; `classes` are u8), the out-of-bag samples in increasing order (`oob`)
 * and the class counts of the draws (`counts`, K words). Returns the number of in-bag samples.
 */
export function bootstrap(
  state: usize, n: i32, weight: usize, classes: usize, idx: usize, pay: usize, oob: usize, counts: usize, K: i32,
): i32 {
  let s0 = load<u32>(state);
  let s1 = load<u32>(state, 4);
  let s2 = load<u32>(state, 8);
  let s3 = load<u32>(state, 12);
  memory.fill(weight, 0, <usize>n << 2);
  for (let d = 0; d < n; d++) {
    const result = rotl<u32>(s1 * 5, 7) * 9;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
    const at = weight + (<usize><i32>Math.floor((<f64>result / 4294967296.0) * <f64>n) << 2);
    store<i32>(at, load<i32>(at) + 1);
  }
  store<u32>(state, s0);
  store<u32>(state, s1, 4);
  store<u32>(state, s2, 8);
  store<u32>(state, s3, 12);
  memory.fill(counts, 0, <usize>K << 2);
  let nIn = 0;
  let nOut = 0;
  for (let i = 0; i < n; i++) {
    const w = load<i32>(weight + (<usize>i << 2));
    if (w > 0) {
      const c = <i32>load<u8>(classes + <usize>i);
      store<u32>(idx + (<usize>nIn << 2), i);
      store<i32>(pay + (<usize>nIn << 2), (w << 8) | c);
      const ck = counts + (<usize>c << 2);
      store<i32>(ck, load<i32>(ck) + w);
      nIn++;
    } else {
      store<u32>(oob + (<usize>nOut << 2), i);
      nOut++;
    }
  }
  return nIn;
}

/**
 * Bootstrap of one tree grown from a random `m < n` of the samples (see treeSampleCount in
 * extension/core/forest/forestModel.ts), from the same xoshiro128** stream as {@link bootstrap}: a partial
 * Fisher–Yates shuffle of `perm` (n u32, the identity on entry and restored on exit; `picks`, m u32, is
 * scratch) chooses the m samples, then m draws with replacement among them (as TreeRandom.below). Writes the
 * outputs of {@link bootstrap} in the subsample's own numbering: `sub` (m u32) gets the chosen samples in
 * increasing order, and `idx` / `oob` hold positions in `sub` (the tree then runs on the m samples only, with
 * their codes gathered by {@link gatherCodes}, so it touches m samples' memory, not n); `oob` gets the chosen
 * samples that were not drawn; `weight` (over all n) is 0 for every sample not in the bag. Returns the number
 * of in-bag samples (the chosen m less them are out of bag).
 */
export function subsampleBootstrap(
  state: usize, n: i32, m: i32, weight: usize, classes: usize, idx: usize, pay: usize, oob: usize, counts: usize, K: i32,
  perm: usize, picks: usize, sub: usize,
): i32 {
  let s0 = load<u32>(state);
  let s1 = load<u32>(state, 4);
  let s2 = load<u32>(state, 8);
  let s3 = load<u32>(state, 12);
  memory.fill(weight, 0, <usize>n << 2);
  for (let k = 0; k < m; k++) {
    const result = rotl<u32>(s1 * 5, 7) * 9;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
    const r = k + <i32>Math.floor((<f64>result / 4294967296.0) * <f64>(n - k));
    store<i32>(picks + (<usize>k << 2), r);
    const a = perm + (<usize>k << 2);
    const b = perm + (<usize>r << 2);
    const chosen = load<u32>(b);
    store<u32>(b, load<u32>(a));
    store<u32>(a, chosen);
    store<i32>(weight + (<usize>chosen << 2), -1); // in the subset, not drawn (yet)
  }
  for (let d = 0; d < m; d++) {
    const result = rotl<u32>(s1 * 5, 7) * 9;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
    const sample = load<u32>(perm + (<usize><i32>Math.floor((<f64>result / 4294967296.0) * <f64>m) << 2));
    const at = weight + (<usize>sample << 2);
    const w = load<i32>(at);
    store<i32>(at, w < 0 ? 1 : w + 1);
  }
  for (let k = m - 1; k >= 0; k--) {
    const a = perm + (<usize>k << 2);
    const b = perm + (<usize>load<i32>(picks + (<usize>k << 2)) << 2);
    const v = load<u32>(a);
    store<u32>(a, load<u32>(b));
    store<u32>(b, v);
  }
  store<u32>(state, s0);
  store<u32>(state, s1, 4);
  store<u32>(state, s2, 8);
  store<u32>(state, s3, 12);
  memory.fill(counts, 0, <usize>K << 2);
  let nIn = 0;
  let nOut = 0;
  let j = 0;
  for (let i = 0; i < n; i++) {
    const at = weight + (<usize>i << 2);
    const w = load<i32>(at);
    if (w == 0) continue;
    store<u32>(sub + (<usize>j << 2), i);
    if (w > 0) {
      const c = <i32>load<u8>(classes + <usize>i);
      store<u32>(idx + (<usize>nIn << 2), j);
      store<i32>(pay + (<usize>nIn << 2), (w << 8) | c);
      const ck = counts + (<usize>c << 2);
      store<i32>(ck, load<i32>(ck) + w);
      nIn++;
    } else {
      store<i32>(at, 0);
      store<u32>(oob + (<usize>nOut << 2), j);
      nOut++;
    }
    j++;
  }
  return nIn;
}

/**
 * Bin codes of a subsample (`sub`, m u32 increasing) of every feature: `out[f·m + j] = codes[f·n + sub[j]]`.
 */
export function gatherCodes(codes: usize, n: i32, F: i32, sub: usize, m: i32, out: usize): void {
  for (let f = 0; f < F; f++) {
    const from = codes + <usize>f * <usize>n;
    const to = out + <usize>f * <usize>m;
    for (let j = 0; j < m; j++) store<u8>(to + <usize>j, load<u8>(from + <usize>load<u32>(sub + (<usize>j << 2))));
  }
}

// ---- one node ---------------------------------------------------------------------------------------

/**
 * Split search of one node over randomly drawn candidate features: draws feature j by a Fisher–Yates
 * step on `order` (F i32) from the tree's xoshiro128** stream at `state` (as TreeRandom.below), searches
 * it (sorted codes when the node has at most `sortedMax` positions, else a histogram over its
 * `binCounts[f]` bins), and stops after `mtry` candidates once one of them splits the node (more are
 * tried while none can, like scikit-learn). A split into pure children has the largest possible proxy,
 * W, exactly, and ties keep the first, so once it is found the remaining candidates are drawn but not
 * searched. `result` holds the best split (its proxy is reset to −∞ first).
 * @returns the best feature, or −1 when no candidate has a split between bins
 */
export function searchNode(
  state: usize, order: usize, F: i32, mtry: i32, binCounts: usize, hist: usize, codes: usize, N: i32,
  idx: usize, pay: usize, start: i32, end: i32, K: i32, W: i32, minLeaf: i32, counts: usize, result: usize,
  sortKey: usize, sortPay: usize, sortedMax: i32,
): i32 {
  let s0 = load<u32>(state);
  let s1 = load<u32>(state, 4);
  let s2 = load<u32>(state, 8);
  let s3 = load<u32>(state, 12);
  store<f64>(result, -Infinity);
  const sorted = end - start <= sortedMax;
  const fW = <f64>W;
  let bestFeature = -1;
  for (let j = 0; j < F; j++) {
    if (j >= mtry && bestFeature >= 0) break;
    const u = rotl<u32>(s1 * 5, 7) * 9;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
    const r = j + <i32>Math.floor((<f64>u / 4294967296.0) * <f64>(F - j));
    const at = order + (<usize>r << 2);
    const aj = order + (<usize>j << 2);
    const f = load<i32>(at);
    store<i32>(at, load<i32>(aj));
    store<i32>(aj, f);
    if (load<f64>(result) == fW) continue;
    const column = codes + <usize>f * <usize>N;
    const better = sorted
      ? searchSorted(column, idx, pay, start, end, K, W, minLeaf, counts, result, sortKey, sortPay)
      : searchHistogram(hist, column, idx, pay, start, end, load<i32>(binCounts + (<usize>f << 2)), K, W, minLeaf, counts, result);
    if (better) bestFeature = f;
  }
  store<u32>(state, s0);
  store<u32>(state, s1, 4);
  store<u32>(state, s2, 8);
  store<u32>(state, s3, 12);
  return bestFeature;
}

// ---- binning ----------------------------------------------------------------------------------------

/**
 * Quantile bins of one feature column (`values`, n f32), as extension/core/forest/trainingSet.ts
 * documents them: an LSD radix sort of order-preserving u32 keys (−0 as +0) in three 11-bit passes
 * (a pass skipped when all keys share its digit), then bins closed at a new value once they hold
 * ≥ n/256 samples (the last bin takes the rest), or one bin per distinct value when there are ≤ 256.
 * Writes the one-byte code of each sample to `codes`; `keys`, `order`, `keys2`, `order2` (n u32 each)
 * and `count` (3·2048 u32) are scratch. Returns the number of bins.
 */
export function binColumn(
  values: usize, n: i32, codes: usize, keys: usize, order: usize, keys2: usize, order2: usize, count: usize,
): i32 {
  memory.fill(count, 0, 3 * 2048 * 4);
  for (let i = 0; i < n; i++) {
    let b = load<u32>(values + (<usize>i << 2));
    if (b == 0x80000000) b = 0;
    const key = b & 0x80000000 ? ~b : b | 0x80000000;
    store<u32>(keys + (<usize>i << 2), key);
    store<u32>(order + (<usize>i << 2), i);
    const c0 = count + (<usize>(key & 2047) << 2);
    store<u32>(c0, load<u32>(c0) + 1);
    const c1 = count + (<usize>(2048 + ((key >>> 11) & 2047)) << 2);
    store<u32>(c1, load<u32>(c1) + 1);
    const c2 = count + (<usize>(4096 + (key >>> 22)) << 2);
    store<u32>(c2, load<u32>(c2) + 1);
  }
  let kA = keys;
  let oA = order;
  let kB = keys2;
  let oB = order2;
  for (let pass = 0; pass < 3; pass++) {
    const shift = <u32>(11 * pass);
    const base = count + (<usize>(2048 * pass) << 2);
    if (load<u32>(base + (<usize>((load<u32>(kA) >>> shift) & 2047) << 2)) == <u32>n) continue;
    let sum: u32 = 0;
    for (let d = 0; d < 2048; d++) {
      const at = base + (<usize>d << 2);
      const c = load<u32>(at);
      store<u32>(at, sum);
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const key = load<u32>(kA + (<usize>i << 2));
      const at = base + (<usize>((key >>> shift) & 2047) << 2);
      const to = load<u32>(at);
      store<u32>(at, to + 1);
      store<u32>(kB + (<usize>to << 2), key);
      store<u32>(oB + (<usize>to << 2), load<u32>(oA + (<usize>i << 2)));
    }
    const tk = kA; kA = kB; kB = tk;
    const to = oA; oA = oB; oB = to;
  }
  let distinct = 1;
  for (let i = 1; i < n; i++) if (load<u32>(kA + (<usize>i << 2)) != load<u32>(kA + (<usize>(i - 1) << 2))) distinct++;
  const perValue = distinct <= 256;
  const target = <f64>n / 256.0;
  let bin = 0;
  let inBin = 1;
  store<u8>(codes + <usize>load<u32>(oA), 0);
  for (let i = 1; i < n; i++) {
    const sample = load<u32>(oA + (<usize>i << 2));
    if (load<u32>(kA + (<usize>i << 2)) != load<u32>(kA + (<usize>(i - 1) << 2)) && (perValue || (<f64>inBin >= target && bin < 255))) {
      bin++;
      inBin = 0;
    }
    store<u8>(codes + <usize>sample, <u8>bin);
    inBin++;
  }
  return bin + 1;
}
