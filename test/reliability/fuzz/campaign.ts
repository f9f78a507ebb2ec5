/**
 * One fuzz campaign: N mutated inputs of one target, each decoded and checked in-process. Runs inside
 * a worker thread started by {@link runFuzzCampaign} (which watches for hangs), or directly in tests.
 *
 * The contract every input must meet (issue #7): it ends in a correct image (consistent info, planes
 * of the right length and type) or in exactly one clear error of the target's error class
 * (ImageError / ProjectError) that names the file — within a time bound and without allocating more
 * than the memory limit in one piece.
 */
import { isDeepStrictEqual } from 'node:util';
import { ImageError, BYTES_PER_SAMPLE, type ImageSource, type PixelArray } from '../../../extension/core/image/imageModel';
import { openImageBytes } from '../../../extension/node/openImage';
import { decodeLabels } from '../../../extension/core/labels/labelRle';
import { parseProject, ProjectError } from '../../../extension/project/projectFile';
import { stringifyProject } from '../../../extension/project/stringifyProject';
import { validateProject } from '../../../extension/project/validateProject';
import { GENERIC_MUTATIONS, JPEG_MUTATIONS, PNG_MUTATIONS, PROJECT_MUTATIONS, tiffLayout, tiffMutations, type Mutation } from './mutators';
import { Random } from './random';
import { jpegSeeds, pngSeeds, projectSeeds, tiffSeeds, type Seed } from './seeds';
import { hdf5Seeds, prepareHdf5Seeds } from './hdf5Seeds';
import { openPackedZarr, zarrMutatedInput, zarrSeeds } from './zarrFuzz';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHdf5Image } from '../../../extension/node/openHdf5Image';
import { imageLevels } from '../../../extension/core/image/imageModel';
import { readImageBox } from '../../../extension/core/image/readImageBox';

/** Fuzz targets. */
export type FuzzTarget = 'tiff' | 'png' | 'jpeg' | 'project' | 'hdf5' | 'zarr';

/** RSS (MiB) an HDF5 input may leave the process at: h5wasm's WebAssembly heap grows and is never returned. */
const HDF5_RSS_BOUND_MIB = 1536;

/** Parameters of a campaign. */
export interface CampaignOptions {
  target: FuzzTarget;
  seed: number;
  /** Number of mutated inputs (the unmutated seeds are checked in addition). */
  count: number;
  /** First input index (to replay a range). @default 0 */
  start?: number;
  /** memoryLimitBytes passed to the decoders. @default 8 MiB */
  memoryLimitBytes?: number;
  /** An input taking longer than this is a failure. @default 3000 */
  perInputMs?: number;
  /** Called before each input (the worker publishes the index for the hang watchdog). */
  onInput?: (index: number) => void;
  /** Largest single allocation seen during the current input (installed by the worker's allocation hook). */
  allocationProbe?: { reset(): void; largest(): number };
}

/** One input that broke the contract. */
export interface FuzzFailure {
  index: number;
  seedName: string;
  kind: 'crash' | 'wrong-error' | 'slow' | 'memory' | 'invalid-result';
  message: string;
}

/** What a campaign found. */
export interface CampaignResult {
  target: FuzzTarget;
  seed: number;
  inputs: number;
  /** Inputs that decoded to a (checked) image / project. */
  decoded: number;
  /** Inputs rejected with one clear error. */
  rejected: number;
  failures: FuzzFailure[];
  /** Slowest input in ms, and its index. */
  slowestMs: number;
  slowestIndex: number;
  /** Largest single allocation seen, in bytes. */
  largestAllocation: number;
  /** Peak resident set size of the process during the campaign, in MiB (includes the test runner). */
  maxRssMiB: number;
  seconds: number;
  /** Distinct error reasons (first words), for the report. */
  reasons: Record<string, number>;
}

/** Seeds of a target. */
export async function seedsFor(target: FuzzTarget): Promise<Seed[]> {
  switch (target) {
    case 'zarr': return zarrSeeds();
    case 'tiff': return tiffSeeds();
    case 'png': return pngSeeds();
    case 'jpeg': return jpegSeeds();
    case 'project': return projectSeeds();
    case 'hdf5': return hdf5Seeds();
  }
}

/** Seeds of a target, made first when they need asynchronous work (HDF5: written by h5wasm). */
export async function prepareSeeds(target: FuzzTarget): Promise<Seed[]> {
  if (target === 'hdf5') await prepareHdf5Seeds();
  return seedsFor(target);
}

/** Builds mutated input `index` of a campaign: 1–3 stacked mutations of one seed. */
export function mutatedInput(target: FuzzTarget, seeds: Seed[], campaignSeed: number, index: number, layouts?: Map<Seed, Mutation[]>): { seed: Seed; bytes: Uint8Array } {
  if (target === 'zarr') return zarrMutatedInput(seeds, campaignSeed, index);
  const random = Random.forInput(campaignSeed, index);
  const seed = random.pick(seeds);
  let bytes: Uint8Array = seed.bytes.slice();
  let specific: Mutation[];
  if (target === 'tiff') {
    let m = layouts?.get(seed);
    if (!m) { m = tiffMutations(tiffLayout(seed.bytes)); layouts?.set(seed, m); }
    specific = m;
  } else {
    specific = target === 'png' ? PNG_MUTATIONS : target === 'jpeg' ? JPEG_MUTATIONS : target === 'hdf5' ? GENERIC_MUTATIONS : PROJECT_MUTATIONS;
  }
  const steps = random.range(1, 3);
  // Structure-aware mutations first (their positions refer to the seed), then generic ones.
  const structural = random.int(steps + 1);
  const generic = target === 'project' ? PROJECT_MUTATIONS.concat(GENERIC_MUTATIONS.slice(2)) : GENERIC_MUTATIONS;
  for (let i = 0; i < steps; i++) {
    const mutation = random.pick(i < structural ? specific : generic);
    try {
      bytes = mutation(bytes, random);
    } catch {
      // a mutator choking on an earlier mutation's output (e.g. JSON too deep to re-stringify): skip it
    }
  }
  return { seed, bytes };
}

const ARRAY_TYPES: Record<string, new (n: number) => PixelArray> = {
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, int8: Int8Array, int16: Int16Array, int32: Int32Array,
  float32: Float32Array, float64: Float64Array,
};

class InvalidResult extends Error {}

function check(condition: boolean, message: string): void {
  if (!condition) throw new InvalidResult(message);
}

/** Checks an opened image for internal consistency and reads a few planes/regions of it. */
async function checkImage(image: ImageSource, limit: number): Promise<void> {
  const { info } = image;
  const { t, z, c, y, x } = info.shape;
  for (const [axis, n] of Object.entries(info.shape)) check(Number.isSafeInteger(n) && n >= 1, `shape.${axis} = ${n}`);
  // Chunked images (tiled TIFF, chunked HDF5) open whatever their plane size: the limit applies to each read.
  const chunked = info.chunkShape !== undefined;
  check(y * x * 4 <= limit || chunked, `a ${x}×${y} plane is over the memory limit but opened`);
  check(/^T?Z?C?YX$/.test(info.axes), `axes "${info.axes}"`);
  check(info.dtype in BYTES_PER_SAMPLE, `dtype ${info.dtype}`);
  // A small box of the first and the last resolution level (the primitive every new view reads through).
  const levels = imageLevels(info);
  for (const level of [0, levels.length - 1]) {
    const s = levels[level].shape;
    const b = { z0: s.z - 1, y0: Math.floor(s.y / 2), x0: 0, nz: 1, ny: Math.min(8, s.y - Math.floor(s.y / 2)), nx: Math.min(8, s.x) };
    const data = await readImageBox(image, level, t - 1, c - 1, b);
    check(data instanceof ARRAY_TYPES[info.dtype], `box type ${data.constructor.name} for dtype ${info.dtype}`);
    check(data.length === b.ny * b.nx, `box of level ${level} has ${data.length} samples, expected ${b.ny * b.nx}`);
  }
  if (y * x * 4 > limit) return;
  const planes: [number, number, number][] = [[0, 0, 0], [t - 1, z - 1, c - 1]];
  if (t * z * c > 2) planes.push([Math.floor(t / 2), Math.floor(z / 2), Math.floor(c / 2)]);
  for (const [pt, pz, pc] of planes) {
    const plane = await image.readPlane(pt, pz, pc);
    check(plane instanceof ARRAY_TYPES[info.dtype], `plane type ${plane.constructor.name} for dtype ${info.dtype}`);
    check(plane.length === y * x, `plane has ${plane.length} samples, expected ${y * x}`);
  }
  const float = await image.readPlaneFloat32(0, 0, 0);
  check(float.length === y * x, `float plane has ${float.length} samples`);
  const box = { y0: Math.floor(y / 2), y1: y, x0: 0, x1: Math.max(1, Math.floor(x / 2)) };
  const region = await image.readRegion(t - 1, 0, c - 1, box);
  check(region.length === (box.y1 - box.y0) * (box.x1 - box.x0), 'region length');
}

/** Checks a parsed project: valid, stable under a write/read round trip, labels decodable. */
function checkProject(text: string, name: string): void {
  const project = parseProject(text, name);
  check(validateProject(project).length === 0, 'parseProject returned a project that validateProject rejects');
  const again = parseProject(stringifyProject(project), name);
  // Compared as JSON data: -0 is written as 0, which is the same project.
  check(isDeepStrictEqual(again, JSON.parse(JSON.stringify(project))), 'stringify → parse changes the project');
  for (const image of project.images) {
    const { t, z, y, x } = image.shape;
    if (t * z * y * x > 16 * 2 ** 20) continue; // the editor only decodes labels of an image it has opened (same shape)
    decodeLabels(project.labels[image.path], { t, z, y, x });
  }
  check(({} as Record<string, unknown>).polluted === undefined, 'Object.prototype was polluted');
}

/** Classifies one input's outcome; throws nothing. */
async function runOne(target: FuzzTarget, bytes: Uint8Array, name: string, limit: number): Promise<{ outcome: 'decoded' | 'rejected'; reason?: string } | { failure: FuzzFailure['kind']; message: string }> {
  try {
    if (target === 'project') {
      checkProject(new TextDecoder().decode(bytes), name);
      return { outcome: 'decoded' };
    }
    if (target === 'hdf5') return await runHdf5(bytes, name, limit);
    const image = target === 'zarr'
      ? await openPackedZarr(bytes, name, { memoryLimitBytes: limit })
      : await openImageBytes(bytes, name, { memoryLimitBytes: limit });
    try {
      await checkImage(image, limit);
    } finally {
      await image.close();
    }
    return { outcome: 'decoded' };
  } catch (error) {
    if (error instanceof InvalidResult) return { failure: 'invalid-result', message: error.message };
    const expected = target === 'project' ? ProjectError : ImageError;
    if (error instanceof expected) {
      const message = error.message;
      if (!message.startsWith(name) || message.length <= name.length + 3) return { failure: 'wrong-error', message: `unclear message: ${message}` };
      const reason = target === 'project' ? (error as ProjectError).reason : (error as ImageError).reason;
      return { outcome: 'rejected', reason };
    }
    const e = error as Error;
    return { failure: error instanceof Error ? 'wrong-error' : 'crash', message: `${e?.name ?? typeof error}: ${String(e?.message ?? error).slice(0, 300)}\n${String(e?.stack ?? '').split('\n').slice(1, 6).join('\n')}` };
  }
}

let hdf5Dir: string | undefined;

/** HDF5 needs a file (h5wasm reads through the file system): the input is written to a temporary one. */
async function runHdf5(bytes: Uint8Array, name: string, limit: number): Promise<{ outcome: 'decoded' }> {
  hdf5Dir ??= mkdtempSync(join(tmpdir(), 'pc-fuzz-h5-'));
  const file = join(hdf5Dir, `${name}.h5`);
  writeFileSync(file, bytes);
  try {
    const image = await openHdf5Image(file, undefined, name, { memoryLimitBytes: limit });
    try {
      await checkImage(image, limit);
    } finally {
      await image.close();
    }
    return { outcome: 'decoded' };
  } finally {
    rmSync(file, { force: true });
  }
}

function reasonKey(reason: string): string {
  return reason.replace(/[0-9]+/g, 'N').replace(/"[^"]*"/g, '"…"').split(/[:(]/)[0].slice(0, 70).trim();
}

/** Runs a campaign and reports everything it found. */
export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const { target, seed, count } = options;
  const start = options.start ?? 0;
  const limit = options.memoryLimitBytes ?? 8 * 2 ** 20;
  const perInputMs = options.perInputMs ?? 3000;
  const seeds = await prepareSeeds(target);
  const layouts = new Map<Seed, Mutation[]>();
  const result: CampaignResult = {
    target, seed, inputs: 0, decoded: 0, rejected: 0, failures: [], slowestMs: 0, slowestIndex: -1,
    largestAllocation: 0, maxRssMiB: 0, seconds: 0, reasons: {},
  };
  const began = performance.now();
  // Index -1..-seeds.length: the unmutated seeds, which must all decode.
  for (let s = 0; s < seeds.length; s++) {
    const outcome = await runOne(target, seeds[s].bytes, seeds[s].name, limit);
    if (!('outcome' in outcome) || outcome.outcome !== 'decoded') {
      result.failures.push({ index: -1 - s, seedName: seeds[s].name, kind: 'invalid-result', message: `seed does not decode: ${'message' in outcome ? outcome.message : outcome.reason}` });
    }
  }
  for (let index = start; index < start + count; index++) {
    options.onInput?.(index);
    const { seed: from, bytes } = mutatedInput(target, seeds, seed, index, layouts);
    const name = `fuzz-${index}-${from.name}`;
    options.allocationProbe?.reset();
    let t0 = performance.now();
    let outcome = await runOne(target, bytes, name, limit);
    let ms = performance.now() - t0;
    if (ms > perInputMs) {
      // Once more, so a load spike on a shared machine is not reported as a slow input; a real one stays slow.
      t0 = performance.now();
      outcome = await runOne(target, bytes, name, limit);
      ms = performance.now() - t0;
    }
    result.inputs++;
    if (ms > result.slowestMs) { result.slowestMs = ms; result.slowestIndex = index; }
    const largest = options.allocationProbe?.largest() ?? 0;
    result.largestAllocation = Math.max(result.largestAllocation, largest);
    if ('failure' in outcome) result.failures.push({ index, seedName: from.name, kind: outcome.failure, message: outcome.message });
    else if (outcome.outcome === 'decoded') result.decoded++;
    else {
      result.rejected++;
      const key = reasonKey(outcome.reason ?? '');
      result.reasons[key] = (result.reasons[key] ?? 0) + 1;
    }
    if (ms > perInputMs) result.failures.push({ index, seedName: from.name, kind: 'slow', message: `took ${ms.toFixed(0)} ms (bound ${perInputMs} ms)` });
    if (largest > 2 * limit) result.failures.push({ index, seedName: from.name, kind: 'memory', message: `allocated ${largest} bytes in one piece (limit ${limit})` });
    if (target === 'hdf5') {
      const rss = process.memoryUsage.rss() / 2 ** 20;
      if (rss > HDF5_RSS_BOUND_MIB) result.failures.push({ index, seedName: from.name, kind: 'memory', message: `process RSS ${rss.toFixed(0)} MiB after this input (bound ${HDF5_RSS_BOUND_MIB} MiB)` });
    }
    if (result.failures.length > 50) break;
  }
  if (hdf5Dir) { rmSync(hdf5Dir, { recursive: true, force: true }); hdf5Dir = undefined; }
  result.seconds = (performance.now() - began) / 1000;
  result.maxRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  return result;
}
