// AssemblyScript: random-forest prediction kernel (compiled by scripts/buildWasm.mjs).
//
// Memory layout, all byte offsets into this module's memory, prepared by
// extension/core/forest/forestKernel.ts:
// - tree table: per tree four i32 words [nodes offset, leaves offset, mask table offset, inner node count];
//   the mask table offset is 0 for a tree walked node by node (see "Two ways to walk a tree" below).
// - nodes: 12-byte records [child: i32 | feature: i32 | threshold: f32]. For an inner node `child` is the
//   byte offset of the left child's record relative to the tree's nodes (the right child follows at +12) and
//   `feature` is the byte offset of that feature's plane in the block (feature index × block stride × 4).
//   For a leaf `child` is negative: ~child is the byte offset of its K class probabilities (f32) relative
//   to the tree's leaves.
// - mask table (trees with at most 32 leaves): per inner node a 12-byte record [feature: i32 (byte offset of
//   its plane, as above) | threshold: f32 | mask: i32], then per leaf, in left-to-right order, its K class
//   probabilities (f32). A node's mask has the bits of the leaves of its left subtree cleared.
// - block: channel-major features, plane f at `block + f·stride·4`, pixel p at `+ p·4` (f32).
// - sums: pixel-major f64 accumulators `[p][k]`; out: class-major f32 `[k][p]` with stride `outStride`.
//
// A sample goes left when `value <= threshold`; NaN compares false and goes right.
//
// Why eight pixels at a time: a single walk is one chain of dependent loads (node → feature value →
// comparison → next node), bounded by load latency. Walking eight pixels in lock-step gives the CPU eight
// independent chains to overlap (measured: 2.3–2.8× the throughput of one pixel at a time; 4 lanes gave
// 1.9×, 12 and 16 lanes spill registers and are slower). The lanes are written out by hand because
// AssemblyScript has no way to keep an array of locals in registers.
//
// Two ways to walk a tree. A deep tree is walked node by node as above. A small tree (at most 32 leaves, the
// common case when classes separate easily) is instead evaluated as a whole, four pixels per SIMD lane group
// (the exit-leaf rule of QuickScorer, Lucchese et al., SIGIR 2015): start from "every leaf possible", and
// for every inner node whose test sends the pixel right, clear the leaves of its left subtree; the leaf the
// pixel reaches is the lowest bit left. (Each leaf left of the exit leaf lies in the left subtree of a node
// on the path where the pixel went right; no node clears the exit leaf, whose ancestors sent it right only
// where it lies in their right subtree.) Every inner node is tested, but without a dependent load chain and
// on contiguous feature values, so a tree of M inner nodes costs about M vector compares per four pixels
// (measured on the batch benchmark's forest, 100 trees of about 8 leaves: 1.6 ns per pixel and tree against
// 4.9 ns for the lock-step walk). Sixteen pixels are tested at a time; with two classes, a run of consecutive
// small trees is evaluated with the sixteen pixels' sums held in registers. Both ways find the same leaf and add the leaves in the same tree
// order, so the probabilities are identical bit for bit.

/** Walks one pixel through a tree and returns the (negative) leaf marker. */
@inline function walkOne(pixel: usize, nodes: usize): i32 {
  let node = nodes;
  let child = load<i32>(node);
  while (child >= 0) {
    node = load<f32>(pixel + <usize>load<i32>(node, 4)) <= load<f32>(node, 8) ? nodes + <usize>child : nodes + <usize>child + 12;
    child = load<i32>(node);
  }
  return child;
}

/** One lock-step step of a lane: advance when its current record is an inner node. */
@inline function step(pixel: usize, nodes: usize, node: usize): usize {
  const child = load<i32>(node);
  if (child < 0) return node;
  return load<f32>(pixel + <usize>load<i32>(node, 4)) <= load<f32>(node, 8) ? nodes + <usize>child : nodes + <usize>child + 12;
}

/** Adds the class distribution of leaf marker `leaf` to the K accumulators at `sum`. */
@inline function addLeaf(sum: usize, leaves: usize, leaf: i32, K: i32): void {
  addValues(sum, leaves + <usize>(~leaf), K);
}

/**
 * Adds the K class probabilities at `values` (f32) to the K accumulators at `sum` (f64), two classes per
 * f64x2 operation (the same rounding as one at a time: each f32 is widened exactly, then added in f64).
 */
@inline function addValues(sum: usize, values: usize, K: i32): void {
  let k = 0;
  for (; k + 2 <= K; k += 2) {
    const at = sum + (<usize>k << 3);
    v128.store(at, f64x2.add(v128.load(at), f64x2.promote_low_f32x4(v128.load64_zero(values + (<usize>k << 2)))));
  }
  if (k < K) {
    const at = sum + (<usize>k << 3);
    store<f64>(at, load<f64>(at) + <f64>load<f32>(values + (<usize>k << 2)));
  }
}

/** The address of the class probabilities of the exit leaf of a lane's mask (its lowest bit), K = 2. */
@inline function exitPair(leafValues: usize, bits: i32): usize {
  return leafValues + (<usize>ctz(bits) << 3);
}

/**
 * The leaf masks of one small tree for sixteen pixels at `x` (channel-major features), lanes 0–3, 4–7, 8–11 and
 * 12–15 in bits0…bits3 (globals: an AssemblyScript function returns one value). Sixteen rather than eight pixels
 * share each record's loads and splats: 7% faster.
 */
@inline function maskBits(table: usize, leafTable: usize, x: usize): void {
  let b0 = i32x4.splat(-1), b1 = i32x4.splat(-1), b2 = i32x4.splat(-1), b3 = i32x4.splat(-1);
  for (let record = table; record < leafTable; record += 12) {
    const at = x + <usize>load<i32>(record);
    const threshold = f32x4.splat(load<f32>(record, 4));
    const mask = i32x4.splat(load<i32>(record, 8));
    // value <= threshold keeps every leaf (the pixel goes left); otherwise (also NaN) the left subtree's go
    b0 = v128.and(b0, v128.or(mask, f32x4.le(v128.load(at), threshold)));
    b1 = v128.and(b1, v128.or(mask, f32x4.le(v128.load(at, 16), threshold)));
    b2 = v128.and(b2, v128.or(mask, f32x4.le(v128.load(at, 32), threshold)));
    b3 = v128.and(b3, v128.or(mask, f32x4.le(v128.load(at, 48), threshold)));
  }
  bits0 = b0; bits1 = b1; bits2 = b2; bits3 = b3;
}
let bits0: v128 = i32x4.splat(-1);
let bits1: v128 = i32x4.splat(-1);
let bits2: v128 = i32x4.splat(-1);
let bits3: v128 = i32x4.splat(-1);

/** Adds the K probabilities of each lane's exit leaf in `bits` to the sums of four pixels from `s`. */
@inline function addExitLeaves(s: usize, sumBytes: usize, leafTable: usize, valueBytes: usize, bits: v128, K: i32): void {
  addValues(s, leafTable + <usize>ctz(i32x4.extract_lane(bits, 0)) * valueBytes, K);
  addValues(s + sumBytes, leafTable + <usize>ctz(i32x4.extract_lane(bits, 1)) * valueBytes, K);
  addValues(s + 2 * sumBytes, leafTable + <usize>ctz(i32x4.extract_lane(bits, 2)) * valueBytes, K);
  addValues(s + 3 * sumBytes, leafTable + <usize>ctz(i32x4.extract_lane(bits, 3)) * valueBytes, K);
}

/**
 * Adds one small tree's leaf distributions to the sums of pixels [0, n) by its leaf masks (see the file's
 * comment): `M` inner-node records at `table`, followed by the leaves' class probabilities in left-to-right order.
 */
function maskTree(table: usize, M: i32, nodes: usize, leaves: usize, K: i32, block: usize, n: i32, sums: usize): void {
  const sumBytes = <usize>K << 3, valueBytes = <usize>K << 2;
  const leafTable = table + <usize>M * 12;
  let p = 0;
  for (; p + 16 <= n; p += 16) {
    maskBits(table, leafTable, block + (<usize>p << 2));
    const s = sums + <usize>p * sumBytes;
    addExitLeaves(s, sumBytes, leafTable, valueBytes, bits0, K);
    addExitLeaves(s + 4 * sumBytes, sumBytes, leafTable, valueBytes, bits1, K);
    addExitLeaves(s + 8 * sumBytes, sumBytes, leafTable, valueBytes, bits2, K);
    addExitLeaves(s + 12 * sumBytes, sumBytes, leafTable, valueBytes, bits3, K);
  }
  for (; p < n; p++) addLeaf(sums + <usize>p * sumBytes, leaves, walkOne(block + (<usize>p << 2), nodes), K);
}

/** The two class probabilities at `values` (f32) widened to f64x2. */
@inline function pair(values: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(values));
}

/**
 * Two classes, a run of small trees [t0, t1): for each sixteen pixels every tree of the run in turn, the
 * sixteen pixels' sums held in registers across the run (the same additions in the same tree order as one tree
 * at a time, without a load and a store of the sums per tree).
 */
function maskRunTwoClasses(trees: usize, t0: i32, t1: i32, block: usize, n: i32, sums: usize): void {
  let p = 0;
  for (; p + 16 <= n; p += 16) {
    const x = block + (<usize>p << 2);
    const s = sums + (<usize>p << 4);
    let a0 = v128.load(s), a1 = v128.load(s, 16), a2 = v128.load(s, 32), a3 = v128.load(s, 48);
    let a4 = v128.load(s, 64), a5 = v128.load(s, 80), a6 = v128.load(s, 96), a7 = v128.load(s, 112);
    let a8 = v128.load(s, 128), a9 = v128.load(s, 144), a10 = v128.load(s, 160), a11 = v128.load(s, 176);
    let a12 = v128.load(s, 192), a13 = v128.load(s, 208), a14 = v128.load(s, 224), a15 = v128.load(s, 240);
    for (let t = t0; t < t1; t++) {
      const entry = trees + (<usize>t << 4);
      const table = <usize>load<i32>(entry, 8);
      const leafTable = table + <usize>load<i32>(entry, 12) * 12;
      maskBits(table, leafTable, x);
      const b0 = bits0, b1 = bits1, b2 = bits2, b3 = bits3;
      a0 = f64x2.add(a0, pair(exitPair(leafTable, i32x4.extract_lane(b0, 0))));
      a1 = f64x2.add(a1, pair(exitPair(leafTable, i32x4.extract_lane(b0, 1))));
      a2 = f64x2.add(a2, pair(exitPair(leafTable, i32x4.extract_lane(b0, 2))));
      a3 = f64x2.add(a3, pair(exitPair(leafTable, i32x4.extract_lane(b0, 3))));
      a4 = f64x2.add(a4, pair(exitPair(leafTable, i32x4.extract_lane(b1, 0))));
      a5 = f64x2.add(a5, pair(exitPair(leafTable, i32x4.extract_lane(b1, 1))));
      a6 = f64x2.add(a6, pair(exitPair(leafTable, i32x4.extract_lane(b1, 2))));
      a7 = f64x2.add(a7, pair(exitPair(leafTable, i32x4.extract_lane(b1, 3))));
      a8 = f64x2.add(a8, pair(exitPair(leafTable, i32x4.extract_lane(b2, 0))));
      a9 = f64x2.add(a9, pair(exitPair(leafTable, i32x4.extract_lane(b2, 1))));
      a10 = f64x2.add(a10, pair(exitPair(leafTable, i32x4.extract_lane(b2, 2))));
      a11 = f64x2.add(a11, pair(exitPair(leafTable, i32x4.extract_lane(b2, 3))));
      a12 = f64x2.add(a12, pair(exitPair(leafTable, i32x4.extract_lane(b3, 0))));
      a13 = f64x2.add(a13, pair(exitPair(leafTable, i32x4.extract_lane(b3, 1))));
      a14 = f64x2.add(a14, pair(exitPair(leafTable, i32x4.extract_lane(b3, 2))));
      a15 = f64x2.add(a15, pair(exitPair(leafTable, i32x4.extract_lane(b3, 3))));
    }
    v128.store(s, a0); v128.store(s, a1, 16); v128.store(s, a2, 32); v128.store(s, a3, 48);
    v128.store(s, a4, 64); v128.store(s, a5, 80); v128.store(s, a6, 96); v128.store(s, a7, 112);
    v128.store(s, a8, 128); v128.store(s, a9, 144); v128.store(s, a10, 160); v128.store(s, a11, 176);
    v128.store(s, a12, 192); v128.store(s, a13, 208); v128.store(s, a14, 224); v128.store(s, a15, 240);
  }
  for (; p < n; p++) {
    for (let t = t0; t < t1; t++) {
      const entry = trees + (<usize>t << 4);
      addLeaf(sums + (<usize>p << 4), <usize>load<i32>(entry, 4), walkOne(block + (<usize>p << 2), <usize>load<i32>(entry)), 2);
    }
  }
}

/** Adds one tree's leaf distributions to the sums of pixels [0, n). */
function walkTree(nodes: usize, leaves: usize, K: i32, block: usize, n: i32, sums: usize): void {
  const sumBytes = <usize>K << 3;
  let p = 0;
  for (; p + 8 <= n; p += 8) {
    const x0 = block + (<usize>p << 2);
    const x1 = x0 + 4, x2 = x0 + 8, x3 = x0 + 12, x4 = x0 + 16, x5 = x0 + 20, x6 = x0 + 24, x7 = x0 + 28;
    let n0 = nodes, n1 = nodes, n2 = nodes, n3 = nodes, n4 = nodes, n5 = nodes, n6 = nodes, n7 = nodes;
    // Loop while any lane still sits on an inner node (inner children are >= 0, so the AND of all
    // eight child words is negative only when every lane has reached a leaf).
    while ((load<i32>(n0) & load<i32>(n1) & load<i32>(n2) & load<i32>(n3)
      & load<i32>(n4) & load<i32>(n5) & load<i32>(n6) & load<i32>(n7)) >= 0) {
      n0 = step(x0, nodes, n0); n1 = step(x1, nodes, n1); n2 = step(x2, nodes, n2); n3 = step(x3, nodes, n3);
      n4 = step(x4, nodes, n4); n5 = step(x5, nodes, n5); n6 = step(x6, nodes, n6); n7 = step(x7, nodes, n7);
    }
    const s = sums + <usize>p * sumBytes;
    addLeaf(s, leaves, load<i32>(n0), K);
    addLeaf(s + sumBytes, leaves, load<i32>(n1), K);
    addLeaf(s + 2 * sumBytes, leaves, load<i32>(n2), K);
    addLeaf(s + 3 * sumBytes, leaves, load<i32>(n3), K);
    addLeaf(s + 4 * sumBytes, leaves, load<i32>(n4), K);
    addLeaf(s + 5 * sumBytes, leaves, load<i32>(n5), K);
    addLeaf(s + 6 * sumBytes, leaves, load<i32>(n6), K);
    addLeaf(s + 7 * sumBytes, leaves, load<i32>(n7), K);
  }
  for (; p < n; p++) addLeaf(sums + <usize>p * sumBytes, leaves, walkOne(block + (<usize>p << 2), nodes), K);
}

/**
 * Class probabilities of pixels [0, n) of a block: the mean over trees of the class distribution of the
 * leaf each pixel reaches, normalised to sum 1 (0 everywhere if a pixel's sum is 0).
 * @param trees tree table offset; nTrees entries of [nodes, leaves, mask table, inner nodes]
 * @param block channel-major features of the block (see layout above)
 * @param sums scratch, n·K f64
 * @param out class-major f32 output, class k of pixel p at `out + (k·outStride + p)·4`
 */
export function predictBlock(trees: usize, nTrees: i32, K: i32, block: usize, n: i32, sums: usize, out: usize, outStride: i32): void {
  memory.fill(sums, 0, <usize>n * <usize>K * 8);
  for (let t = 0; t < nTrees; t++) {
    const entry = trees + (<usize>t << 4);
    const nodes = <usize>load<i32>(entry), leaves = <usize>load<i32>(entry, 4), maskTable = <usize>load<i32>(entry, 8);
    if (maskTable && K == 2) {
      let end = t + 1;
      while (end < nTrees && load<i32>(trees + (<usize>end << 4), 8)) end++;
      maskRunTwoClasses(trees, t, end, block, n, sums);
      t = end - 1;
    } else if (maskTable) maskTree(maskTable, load<i32>(entry, 12), nodes, leaves, K, block, n, sums);
    else walkTree(nodes, leaves, K, block, n, sums);
  }
  for (let p = 0; p < n; p++) {
    const s = sums + <usize>(p * K) * 8;
    let total: f64 = 0;
    for (let k = 0; k < K; k++) total += load<f64>(s + (<usize>k << 3));
    const scale: f64 = total > 0 ? 1 / total : 0;
    for (let k = 0; k < K; k++) {
      store<f32>(out + (<usize>(k * outStride + p) << 2), <f32>(load<f64>(s + (<usize>k << 3)) * scale));
    }
  }
}
