import { ensureWasmMemory, instantiateWasm, WASM_HEAP_BASE } from '../wasm/instantiateWasm';
import { forestWalkWasmBase64 } from '../wasm/generated/forestWalkWasm';
import { type Forest, ForestTrainingError } from './forestModel';

/**
 * Pixels per block of the WebAssembly prediction kernel. A block's channel-major features
 * (block × nFeatures float32, 392 KiB for 49 features) stay in L2 cache while all trees walk it.
 */
export const PREDICT_BLOCK = 2048;

interface KernelExports {
  predictBlock(trees: number, nTrees: number, K: number, block: number, n: number, sums: number, out: number, outStride: number): void;
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
    let offset = trees + 8 * forest.trees.length;
    const placed: [number, number][] = [];
    for (const tree of forest.trees) {
      const nodes = offset;
      const leaves = nodes + 12 * tree.nodeCount;
      offset = (leaves + 4 * tree.leafValues.length + 15) & ~15;
      placed.push([nodes, leaves]);
    }
    const block = offset;
    const sums = block + 4 * F * PREDICT_BLOCK;
    const out = sums + 8 * K * PREDICT_BLOCK;
    ensureWasmMemory(this.wasm.memory, out + 4 * K * PREDICT_BLOCK);
    const words = new Int32Array(this.wasm.memory.buffer);
    const floats = new Float32Array(this.wasm.memory.buffer);
    const planeBytes = 4 * PREDICT_BLOCK;
    forest.trees.forEach((tree, t) => {
      const [nodes, leaves] = placed[t];
      words[trees / 4 + 2 * t] = nodes;
      words[trees / 4 + 2 * t + 1] = leaves;
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
        memory.set(features.subarray(plane, plane + n), block / 4 + f * PREDICT_BLOCK);
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
