// AssemblyScript: random-forest prediction kernel (compiled by scripts/buildWasm.mjs).
//
// Memory layout, all byte offsets into this module's memory, prepared by
// extension/core/forest/forestKernel.ts:
// - tree table: per tree two i32 words [nodes offset, leaves offset].
// - nodes: 12-byte records [child: i32 | feature: i32 | threshold: f32]. For an inner node `child` is the
//   byte offset of the left child's record relative to the tree's nodes (the right child follows at +12) and
//   `feature` is the byte offset of that feature's plane in the block (feature index × block stride × 4).
//   For a leaf `child` is negative: ~child is the byte offset of its K class probabilities (f32) relative
//   to the tree's leaves.
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
  const values = leaves + <usize>(~leaf);
  for (let k = 0; k < K; k++) {
    const at = sum + (<usize>k << 3);
    store<f64>(at, load<f64>(at) + <f64>load<f32>(values + (<usize>k << 2)));
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
 * @param trees tree table offset; nTrees entries of [nodes, leaves]
 * @param block channel-major features of the block (see layout above)
 * @param sums scratch, n·K f64
 * @param out class-major f32 output, class k of pixel p at `out + (k·outStride + p)·4`
 */
export function predictBlock(trees: usize, nTrees: i32, K: i32, block: usize, n: i32, sums: usize, out: usize, outStride: i32): void {
  memory.fill(sums, 0, <usize>n * <usize>K * 8);
  for (let t = 0; t < nTrees; t++) {
    const entry = trees + (<usize>t << 3);
    walkTree(<usize>load<i32>(entry), <usize>load<i32>(entry, 4), K, block, n, sums);
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
