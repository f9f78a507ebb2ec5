import { type Forest, ForestFormatError, type ForestTree, makeTree } from './forestModel';
import { crc32 } from '../crc32';

/** First four bytes of a serialized forest: "PXRF". */
export const FOREST_MAGIC = 0x46525850; // 'P','X','R','F' read as little-endian u32
/** Current binary format version. */
export const FOREST_FORMAT_VERSION = 1;

const HEADER_BYTES = 60;

/**
 * Serializes a forest (or a forest part) into a compact binary format, version 1. All numbers little-endian:
 *
 * | offset | type | content |
 * |---|---|---|
 * | 0 | u32 | magic "PXRF" |
 * | 4 | u16 | format version (1) |
 * | 6 | u16 | flags (0) |
 * | 8 | u32 | nFeatures |
 * | 12 | u32 | nClasses K |
 * | 16 | u32 | nTrees of the full forest (setting) |
 * | 20 | u32 | index of the first stored tree |
 * | 24 | u32 | number of stored trees |
 * | 28 | u32 | seed |
 * | 32 | i32 | maxDepth (−1 = unlimited) |
 * | 36 | u32 | minSamplesLeaf |
 * | 40 | u32 | mtry |
 * | 44 | u32 | nSamples |
 * | 48 | u32 | oobSampleCount |
 * | 52 | f64 | oobError (NaN = none) |
 * | 60 | u32[K] | training samples per class |
 * | … | per tree | u32 nodes, u32 leaves, u32 depth, i32[3·nodes] node records, f32[leaves·K] leaf probabilities, f32[nFeatures] importance |
 * | end−4 | u32 | CRC-32 (IEEE) of all preceding bytes |
 *
 * The output depends only on the forest's content, so equal forests give identical bytes.
 * (The in-memory `oobVotes` are not stored.)
 */
export function serializeForest(forest: Forest): Uint8Array {
  const K = forest.nClasses;
  const F = forest.nFeatures;
  let size = HEADER_BYTES + 4 * K;
  for (const tree of forest.trees) size += 12 + 4 * (3 * tree.nodeCount + tree.leafCount * K + F);
  size += 4;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  const s = forest.settings;
  view.setUint32(0, FOREST_MAGIC, true);
  view.setUint16(4, FOREST_FORMAT_VERSION, true);
  view.setUint16(6, 0, true);
  view.setUint32(8, F, true);
  view.setUint32(12, K, true);
  view.setUint32(16, s.nTrees, true);
  view.setUint32(20, forest.treeStart, true);
  view.setUint32(24, forest.trees.length, true);
  view.setUint32(28, s.seed >>> 0, true);
  view.setInt32(32, s.maxDepth, true);
  view.setUint32(36, s.minSamplesLeaf, true);
  view.setUint32(40, s.mtry, true);
  view.setUint32(44, forest.nSamples, true);
  view.setUint32(48, forest.oobSampleCount, true);
  view.setFloat64(52, forest.oobError, true);
  let at = HEADER_BYTES;
  for (let k = 0; k < K; k++, at += 4) view.setUint32(at, forest.classCounts[k], true);
  for (const tree of forest.trees) {
    view.setUint32(at, tree.nodeCount, true);
    view.setUint32(at + 4, tree.leafCount, true);
    view.setUint32(at + 8, tree.depth, true);
    at += 12;
    at = putWords(bytes, view, at, tree.nodes);
    at = putWords(bytes, view, at, tree.leafValues);
    at = putWords(bytes, view, at, tree.importance);
  }
  view.setUint32(at, crc32(bytes, 0, at), true);
  return bytes;
}

/**
 * Reads bytes written by {@link serializeForest}.
 *
 * @param bytes model bytes
 * @param name used in error messages (e.g. the project file name)
 * @throws ForestFormatError naming what is wrong: not a forest, unsupported version, truncated,
 *   checksum mismatch, or node records that point outside the tree
 */
export function deserializeForest(bytes: Uint8Array, name = 'forest model'): Forest {
  const fail = (why: string): never => { throw new ForestFormatError(`${name}: ${why}`); };
  if (bytes.length < HEADER_BYTES + 4) fail(`only ${bytes.length} bytes, too short to be a forest model`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== FOREST_MAGIC) fail('not a forest model (bad magic number)');
  const version = view.getUint16(4, true);
  if (version !== FOREST_FORMAT_VERSION) fail(`forest format version ${version} is not supported (this build reads version ${FOREST_FORMAT_VERSION})`);
  const end = bytes.length - 4;
  const stored = view.getUint32(end, true);
  const actual = crc32(bytes, 0, end);
  if (stored !== actual) fail(`checksum mismatch (stored ${hex(stored)}, computed ${hex(actual)}): the model is corrupt or truncated`);
  const F = view.getUint32(8, true);
  const K = view.getUint32(12, true);
  const nTrees = view.getUint32(16, true);
  const treeStart = view.getUint32(20, true);
  const count = view.getUint32(24, true);
  if (F < 1 || F > 65535) fail(`invalid number of features ${F}`);
  if (K < 2 || K > 255) fail(`invalid number of classes ${K}`);
  if (treeStart + count > nTrees) fail(`trees [${treeStart}, ${treeStart + count}) exceed the forest size ${nTrees}`);
  let at = HEADER_BYTES;
  if (at + 4 * K > end) fail('truncated class counts');
  const classCounts = new Uint32Array(K);
  for (let k = 0; k < K; k++, at += 4) classCounts[k] = view.getUint32(at, true);
  const trees: ForestTree[] = [];
  for (let t = 0; t < count; t++) {
    if (at + 12 > end) fail(`truncated at tree ${treeStart + t}`);
    const nodeCount = view.getUint32(at, true);
    const leafCount = view.getUint32(at + 4, true);
    const depth = view.getUint32(at + 8, true);
    at += 12;
    const need = 4 * (3 * nodeCount + leafCount * K + F);
    if (nodeCount < 1 || leafCount < 1 || at + need > end) fail(`truncated or invalid tree ${treeStart + t} (${nodeCount} nodes, ${leafCount} leaves)`);
    const nodes = new Int32Array(3 * nodeCount);
    at = getWords(bytes, view, at, nodes);
    const leafValues = new Float32Array(leafCount * K);
    at = getWords(bytes, view, at, leafValues);
    const importance = new Float32Array(F);
    at = getWords(bytes, view, at, importance);
    const tree = makeTree(nodes, leafValues, K, depth, importance);
    const problem = checkTree(tree, F);
    if (problem) fail(`tree ${treeStart + t}: ${problem}`);
    trees.push(tree);
  }
  if (at !== end) fail(`${end - at} unexpected bytes after the last tree`);
  return {
    nFeatures: F,
    nClasses: K,
    settings: {
      nTrees,
      seed: view.getUint32(28, true),
      maxDepth: view.getInt32(32, true),
      minSamplesLeaf: view.getUint32(36, true),
      mtry: view.getUint32(40, true),
      samplesPerTree: 0, // not stored: models are trained with the rule (see treeSampleCount)
    },
    treeStart,
    trees,
    nSamples: view.getUint32(44, true),
    classCounts,
    oobSampleCount: view.getUint32(48, true),
    oobError: view.getFloat64(52, true),
  };
}

/**
 * Structural check so that prediction can never loop or read out of bounds: every inner node's
 * children come after it and inside the tree, every leaf index and feature is in range, thresholds
 * and leaf probabilities are finite.
 */
function checkTree(tree: ForestTree, nFeatures: number): string | undefined {
  const { nodes, thresholds, nodeCount, leafCount, leafValues } = tree;
  for (let i = 0; i < nodeCount; i++) {
    const child = nodes[3 * i];
    if (child >= 0) {
      if (child <= i || child + 1 >= nodeCount) return `node ${i} points to children ${child}, ${child + 1} outside (${i}, ${nodeCount})`;
      const f = nodes[3 * i + 1];
      if (f < 0 || f >= nFeatures) return `node ${i} tests feature ${f}, outside 0..${nFeatures - 1}`;
      if (!Number.isFinite(thresholds[3 * i + 2])) return `node ${i} has threshold ${thresholds[3 * i + 2]}`;
    } else if (~child >= leafCount) return `node ${i} points to leaf ${~child}, outside 0..${leafCount - 1}`;
  }
  for (let i = 0; i < leafValues.length; i++) {
    const v = leafValues[i];
    if (!(v >= 0 && v <= 1)) return `leaf value ${i} is ${v}, outside [0, 1]`;
  }
  return undefined;
}

const littleEndianHost = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function putWords(bytes: Uint8Array, view: DataView, at: number, words: Int32Array | Float32Array): number {
  if (littleEndianHost) {
    bytes.set(new Uint8Array(words.buffer, words.byteOffset, words.byteLength), at);
  } else if (words instanceof Int32Array) {
    for (let i = 0; i < words.length; i++) view.setInt32(at + 4 * i, words[i], true);
  } else {
    for (let i = 0; i < words.length; i++) view.setFloat32(at + 4 * i, words[i], true);
  }
  return at + 4 * words.length;
}

function getWords(bytes: Uint8Array, view: DataView, at: number, target: Int32Array | Float32Array): number {
  if (littleEndianHost) {
    new Uint8Array(target.buffer, target.byteOffset, target.byteLength).set(bytes.subarray(at, at + target.byteLength));
  } else if (target instanceof Int32Array) {
    for (let i = 0; i < target.length; i++) target[i] = view.getInt32(at + 4 * i, true);
  } else {
    for (let i = 0; i < target.length; i++) target[i] = view.getFloat32(at + 4 * i, true);
  }
  return at + 4 * target.length;
}

export { crc32 };

function hex(v: number): string {
  return `0x${v.toString(16).padStart(8, '0')}`;
}
