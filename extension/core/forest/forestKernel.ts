import { ensureWasmMemory, instantiateWasm, WASM_HEAP_BASE } from '../wasm/instantiateWasm';
import { forestWalkWasmBase64 } from '../wasm/generated/forestWalkWasm';
import { type Forest, ForestTrainingError, type ForestTree } from './forestModel';

/**
 * Pixels per block of the WebAssembly prediction kernel. A block's channel-major features
 * (block × nFeatures float32, 392 KiB for 49 features) stay in L2 cache while all trees walk it.
 */
export const PREDICT_BLOCK = 2048;

/**
 * Floats between two feature planes of a block in the kernel's memory: a block plus one cache line, so that
 * the same pixel's values in successive planes fall in different cache sets (a stride of a power of two
 * maps all 49 planes to one set of the L1 cache).
 */
const PLANE_STRIDE = PREDICT_BLOCK + 16;

interface KernelExports {
  predictBlock(trees: number, nTrees: number, K: number, block: number, n: number, sums: number, out: number, outStride: number): void;
}

/** Trees with at most this many leaves are evaluated by leaf masks (one bit per leaf in an i32 lane). */
export const MASK_TREE_MAX_LEAVES = 32;

/**
 * The leaf-mask form of a small tree (see extension/wasm/forestWalk.ts): per inner node its feature, threshold
 * and the mask clearing the leaves of its left subtree; and the leaves in left-to-right order.
 * @returns undefined when the tree has more than {@link MASK_TREE_MAX_LEAVES} leaves
 * @throws ForestTrainingError when the nodes do not form a tree
 */
export function leafMasks(tree: ForestTree): { inner: { node: number; mask: number }[]; leafOrder: number[] } | undefined {
  if (tree.leafCount > MASK_TREE_MAX_LEAVES) return undefined;
  const inner: { node: number; mask: number }[] = [];
  const leafOrder: number[] = [];
  let visits = 0;
  /** Visits the subtree at `node` in order; returns how many leaves it has (they are the last ones numbered). */
  const visit = (node: number): number => {
    const child = tree.nodes[3 * node];
    if (++visits > tree.nodeCount || (child < 0 ? leafOrder.length === MASK_TREE_MAX_LEAVES : child + 1 >= tree.nodeCount)) {
      throw new ForestTrainingError(`the nodes of a tree with ${tree.leafCount} leaves do not form a tree`);
    }
    if (child < 0) {
      leafOrder.push(~child);
      return 1;
    }
    const first = leafOrder.length;
    const record = { node, mask: 0 };
    inner.push(record);
    const left = visit(child);
    // all bits set except those of the left subtree's leaves [first, first + left)
    record.mask = ~(left === 32 ? -1 : ((1 << left) - 1) << first) | 0;
    return left + visit(child + 1);
  };
  visit(0);
  return { inner, leafOrder };
}

/** Where the uploaded forest and the block buffers live in the kernel's memory (byte offsets). */
interface KernelLayout { forest: Forest; trees: number; block: number; sums: number; out: number }

/**
 * The prediction kernel of this thread (extension/wasm/forestWalk.ts): one instance per thread, holding
 * the most recently used forest in its memory, so a forest is copied in once and then reused for every
 * block and call until another forest is used.
 */
class ForestKernel {
  private readonly wasm = instantiateWasm<KernelExports>(forestWalkWasmBase64);
  private layout: KernelLayout | undefined;

  /** Copies `forest` into the kernel's memory (unless it is already there) and returns the layout. */
  private prepare(forest: Forest): KernelLayout {
    if (this.layout?.forest === forest) return this.layout;
    // The copy below overwrites the memory of the previous forest: forget it first, so a model rejected
    // half-way is never mistaken for the one that was there.
    this.layout = undefined;
    const K = forest.nClasses;
    const F = forest.nFeatures;
    const trees = WASM_HEAP_BASE;
    let offset = trees + 16 * forest.trees.length;
    const placed: [number, number, number][] = [];
    const masks = forest.trees.map(leafMasks);
    forest.trees.forEach((tree, t) => {
      const nodes = offset;
      const leaves = nodes + 12 * tree.nodeCount;
      offset = (leaves + 4 * tree.leafValues.length + 15) & ~15;
      const mask = masks[t];
      const maskTable = mask ? offset : 0;
      if (mask) offset = (offset + 12 * mask.inner.length + 4 * K * mask.leafOrder.length + 15) & ~15;
      placed.push([nodes, leaves, maskTable]);
    });
    const block = offset;
    const sums = block + 4 * F * PLANE_STRIDE;
    const out = sums + 8 * K * PREDICT_BLOCK;
    ensureWasmMemory(this.wasm.memory, out + 4 * K * PREDICT_BLOCK);
    const words = new Int32Array(this.wasm.memory.buffer);
    const floats = new Float32Array(this.wasm.memory.buffer);
    const planeBytes = 4 * PLANE_STRIDE;
    forest.trees.forEach((tree, t) => {
      const [nodes, leaves, maskTable] = placed[t];
      words[trees / 4 + 4 * t] = nodes;
      words[trees / 4 + 4 * t + 1] = leaves;
      words[trees / 4 + 4 * t + 2] = maskTable;
      const base = nodes / 4;
      for (let i = 0; i < tree.nodeCount; i++) {
        const child = tree.nodes[3 * i];
        const feature = tree.nodes[3 * i + 1];
        if (child >= 0) {
          if (!(feature >= 0 && feature < F) || child + 1 >= tree.nodeCount) {
            throw new ForestTrainingError(`tree ${t} node ${i} refers to feature ${feature} / child ${child}, outside the model`);
          }
          words[base + 3 * i] = 12 * child;
          words[base + 3 * i + 1] = feature * planeBytes;
        } else {
          if (~child >= tree.leafCount) throw new ForestTrainingError(`tree ${t} node ${i} refers to leaf ${~child} of ${tree.leafCount}`);
          words[base + 3 * i] = ~(4 * K * ~child);
          words[base + 3 * i + 1] = 0;
        }
        words[base + 3 * i + 2] = tree.nodes[3 * i + 2];
      }
      floats.set(tree.leafValues, leaves / 4);
      const mask = masks[t];
      if (mask) {
        words[trees / 4 + 4 * t + 3] = mask.inner.length;
        let at = maskTable / 4;
        for (const { node, mask: bits } of mask.inner) {
          words[at++] = words[base + 3 * node + 1];
          words[at++] = tree.nodes[3 * node + 2];
          words[at++] = bits;
        }
        for (const leaf of mask.leafOrder) {
          floats.set(tree.leafValues.subarray(K * leaf, K * leaf + K), at);
          at += K;
        }
      }
    });
    this.layout = { forest, trees, block, sums, out };
    return this.layout;
  }

  /**
   * Probabilities of pixels [first, last) of channel-major `features` (stride `nPixels`) into class-major
   * `result` (stride `nPixels`), block by block.
   */
  predict(forest: Forest, features: Float32Array, nPixels: number, result: Float32Array, first: number, last: number): void {
    const { trees, block, sums, out } = this.prepare(forest);
    const K = forest.nClasses;
    const F = forest.nFeatures;
    const memory = new Float32Array(this.wasm.memory.buffer);
    for (let p0 = first; p0 < last; p0 += PREDICT_BLOCK) {
      const n = Math.min(PREDICT_BLOCK, last - p0);
      for (let f = 0; f < F; f++) {
        const plane = f * nPixels + p0;
        memory.set(features.subarray(plane, plane + n), block / 4 + f * PLANE_STRIDE);
      }
      this.wasm.predictBlock(trees, forest.trees.length, K, block, n, sums, out, PREDICT_BLOCK);
      for (let k = 0; k < K; k++) {
        const from = out / 4 + k * PREDICT_BLOCK;
        result.set(memory.subarray(from, from + n), k * nPixels + p0);
      }
    }
  }
}

let kernel: ForestKernel | undefined;

/** This thread's prediction kernel, created on first use. */
export function forestKernel(): ForestKernel {
  kernel ??= new ForestKernel();
  return kernel;
}
