/**
 * Structural validation of a (migrated) project object. Every problem names its JSON location as a path
 * (turned into a JSON pointer and a line:column by readProject) so a hand-edited or badly merged file gives
 * a precise error.
 */
import { FEATURE_IDS, validateSelection, type FeatureSelection } from '../core/features/featureSet';
import { LabelRleError, validateLabels } from '../core/labels/labelRle';
import { internalPathProblem } from '../core/hdf5/hdf5InternalPath';
import {
  EXPORT_COMPRESSIONS, EXPORT_DTYPES, EXPORT_FORMATS, EXPORT_SOURCES, PROJECT_FORMAT,
  type PixelClassifierProject,
} from './projectSchema';

/** One validation problem: where (path segments from the root) and what. */
export interface ProjectProblem {
  path: (string | number)[];
  message: string;
}

const TOP_LEVEL_KEYS = ['format', 'version', 'provenance', 'classes', 'classifier', 'features', 'export', 'images', 'labels'];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Checks every field of a project (after migration). Returns all problems found (empty when valid);
 * label RLE is checked without decoding whole volumes.
 */
export function validateProject(raw: unknown): ProjectProblem[] {
  const problems: ProjectProblem[] = [];
  const add = (path: (string | number)[], message: string) => problems.push({ path, message });
  if (!isObject(raw)) return [{ path: [], message: 'a project must be a JSON object' }];
  if (raw.format !== PROJECT_FORMAT) add(['format'], `"format" must be "${PROJECT_FORMAT}"`);
  if (!isInteger(raw.version, 1)) add(['version'], '"version" must be a positive integer');
  for (const key of Object.keys(raw)) if (!TOP_LEVEL_KEYS.includes(key)) add([key], `unknown key "${key}"`);

  // provenance
  const provenance = raw.provenance;
  if (!isObject(provenance)) add(['provenance'], '"provenance" must be an object');
  else {
    if (typeof provenance.extensionVersion !== 'string') add(['provenance', 'extensionVersion'], 'must be a string');
    if (provenance.lastTrained !== undefined && (typeof provenance.lastTrained !== 'string' || Number.isNaN(Date.parse(provenance.lastTrained)))) {
      add(['provenance', 'lastTrained'], 'must be an ISO date string');
    }
    if (provenance.oobError !== undefined && !(typeof provenance.oobError === 'number' && provenance.oobError >= 0 && provenance.oobError <= 1)) {
      add(['provenance', 'oobError'], 'must be a number in [0, 1]');
    }
    if (provenance.trainingHash !== undefined && !(typeof provenance.trainingHash === 'string' && /^[0-9a-f]{64}$/.test(provenance.trainingHash))) {
      add(['provenance', 'trainingHash'], 'must be 64 lowercase hex digits');
    }
  }

  // classes
  if (!Array.isArray(raw.classes)) add(['classes'], '"classes" must be an array');
  else {
    if (raw.classes.length > 255) add(['classes'], 'at most 255 classes');
    raw.classes.forEach((c, i) => {
      if (!isObject(c)) { add(['classes', i], 'a class must be an object {name, color}'); return; }
      if (typeof c.name !== 'string' || c.name.trim() === '') add(['classes', i, 'name'], 'class name must be a non-empty string');
      if (typeof c.color !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(c.color)) add(['classes', i, 'color'], 'class colour must be "#rrggbb"');
    });
  }

  // classifier
  const cl = raw.classifier;
  if (!isObject(cl)) add(['classifier'], '"classifier" must be an object');
  else {
    if (!isInteger(cl.trees, 1, 100000)) add(['classifier', 'trees'], 'trees must be an integer in 1..100000');
    if (!isInteger(cl.seed, 0, 0xffffffff)) add(['classifier', 'seed'], 'seed must be an integer in 0..4294967295');
    if (cl.maxDepth !== undefined && !isInteger(cl.maxDepth, 1, 10000)) add(['classifier', 'maxDepth'], 'maxDepth must be a positive integer');
    if (cl.minSamplesLeaf !== undefined && !isInteger(cl.minSamplesLeaf, 1)) add(['classifier', 'minSamplesLeaf'], 'minSamplesLeaf must be a positive integer');
    for (const key of Object.keys(cl)) {
      if (!['trees', 'seed', 'maxDepth', 'minSamplesLeaf'].includes(key)) add(['classifier', key], `unknown key "${key}"`);
    }
  }

  // features
  if (!isObject(raw.features)) add(['features'], '"features" must be an object {scales, selected}');
  else {
    for (const message of validateSelection(raw.features as unknown as FeatureSelection)) add(['features', ...featurePath(message)], message);
    for (const key of Object.keys(raw.features)) {
      if (!['scales', 'selected', 'scaleUnit', 'featureChannels'].includes(key)) add(['features', key], `unknown key "${key}" (features has scales, selected, scaleUnit, featureChannels)`);
    }
    const scales = (raw.features as Record<string, unknown>).scales;
    if (Array.isArray(scales)) {
      scales.forEach((scale, i) => {
        if (isObject(scale) && scale.pixelSigmas !== undefined) add(['features', 'scales', i, 'pixelSigmas'], 'pixelSigmas is computed per image from its pixel size and is not stored in projects');
      });
    }
  }

  // export
  const ex = raw.export;
  if (!isObject(ex)) add(['export'], '"export" must be an object');
  else {
    const oneOf = (key: string, values: readonly string[]) => {
      if (!values.includes(ex[key] as string)) add(['export', key], `${key} must be one of ${values.join(', ')}`);
    };
    oneOf('source', EXPORT_SOURCES);
    oneOf('dtype', EXPORT_DTYPES);
    oneOf('format', EXPORT_FORMATS);
    oneOf('compression', EXPORT_COMPRESSIONS);
    if (typeof ex.filenameFormat !== 'string' || ex.filenameFormat.trim() === '') add(['export', 'filenameFormat'], 'must be a non-empty string');
    if (ex.internalPath !== undefined) {
      const problem = typeof ex.internalPath === 'string' ? internalPathProblem(ex.internalPath) : 'internalPath must be a string';
      if (problem) add(['export', 'internalPath'], problem);
    }
    if (ex.omeZarrVersion !== undefined && ex.omeZarrVersion !== '0.4' && ex.omeZarrVersion !== '0.5') add(['export', 'omeZarrVersion'], 'omeZarrVersion must be "0.4" or "0.5"');
  }

  // images
  const shapes = new Map<string, { t: number; z: number; y: number; x: number }>();
  if (!Array.isArray(raw.images)) add(['images'], '"images" must be an array');
  else {
    raw.images.forEach((image, i) => {
      if (!isObject(image)) { add(['images', i], 'an image must be an object {path, sha256, shape}'); return; }
      const path = image.path;
      if (typeof path !== 'string' || path === '') add(['images', i, 'path'], 'path must be a non-empty string');
      // Absolute paths (forward slashes) are stored for images on another drive; only the CLI resolves them.
      else if (/^[a-zA-Z]:(?!\/)/.test(path) || path.includes('\\') || path.includes('\0')) {
        add(['images', i, 'path'], `path "${path}" must be relative to the project folder (or absolute) with forward slashes`);
      } else if (shapes.has(path)) add(['images', i, 'path'], `image "${path}" is listed twice`);
      if (typeof image.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(image.sha256)) add(['images', i, 'sha256'], 'sha256 must be 64 lowercase hex digits');
      const shape = image.shape;
      let shapeOk = isObject(shape);
      if (!isObject(shape)) add(['images', i, 'shape'], 'shape must be an object {t, z, c, y, x}');
      else {
        for (const axis of ['t', 'z', 'c', 'y', 'x']) {
          // Bounded: label validation allocates a row of x bytes, so 1e15 or 2^31 must not get through (found by fuzzing).
          if (!isInteger(shape[axis], 1, 2 ** 24)) { add(['images', i, 'shape', axis], `${axis} must be a positive integer (at most 16777216)`); shapeOk = false; }
        }
      }
      if (image.dtype !== undefined && typeof image.dtype !== 'string') add(['images', i, 'dtype'], 'dtype must be a string');
      if (image.pixelSize !== undefined) {
        const ps = image.pixelSize;
        const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0 && v < 1e9;
        if (!isObject(ps) || !ok(ps.x) || !ok(ps.y) || (ps.z !== undefined && !ok(ps.z)) || typeof ps.unit !== 'string' || ps.unit.length === 0 || ps.unit.length > 20) {
          add(['images', i, 'pixelSize'], 'pixelSize must be {x, y, z?, unit} with positive sizes and a unit name (e.g. "µm")');
        }
      }
      if (typeof path === 'string' && shapeOk && !shapes.has(path)) {
        const s = shape as Json;
        shapes.set(path, { t: s.t as number, z: s.z as number, y: s.y as number, x: s.x as number });
      }
    });
  }

  // labels
  if (!isObject(raw.labels)) add(['labels'], '"labels" must be an object (image path → planes)');
  else {
    const nClasses = Array.isArray(raw.classes) ? raw.classes.length : 255;
    for (const [path, encoded] of Object.entries(raw.labels)) {
      const shape = shapes.get(path);
      if (!shape) { add(['labels', path], `labels for "${path}", which is not in "images"`); continue; }
      try {
        validateLabels(encoded, shape);
        const maxClass = maxClassOf(encoded);
        if (maxClass > nClasses) add(['labels', path], `labels use class ${maxClass} but only ${nClasses} classes are defined`);
      } catch (error) {
        if (error instanceof LabelRleError) add(['labels', path, ...error.path], error.reason);
        else throw error;
      }
    }
  }
  return problems;
}

/** Largest class id in encoded labels (scans the `=class` suffixes). */
function maxClassOf(encoded: unknown): number {
  let max = 0;
  if (!isObject(encoded)) return 0;
  for (const lines of Object.values(encoded)) {
    if (!Array.isArray(lines)) continue;
    for (const line of lines) {
      if (typeof line !== 'string') continue;
      const re = /=(\d+)/g;
      let m: RegExpExecArray | null;
      while ((m = re.exec(line))) if (Number(m[1]) > max) max = Number(m[1]);
    }
  }
  return max;
}

/** Best-effort location of a feature-selection problem (validateSelection reports sentences). */
function featurePath(message: string): (string | number)[] {
  const scale = /^scale (\d+):/.exec(message);
  if (scale) return ['scales', Number(scale[1])];
  const selected = /^selected\.(\w+)(?:\[(\d+)\])?/.exec(message);
  if (selected) return selected[2] !== undefined ? ['selected', selected[1], Number(selected[2])] : ['selected', selected[1]];
  for (const id of FEATURE_IDS) if (message.includes(id)) return ['selected', id];
  return [];
}

/** Narrows after {@link validateProject} returned no problems. */
export function assertProjectShape(raw: unknown): asserts raw is PixelClassifierProject {
  const problems = validateProject(raw);
  if (problems.length > 0) throw new Error(problems.map((p) => p.message).join('; '));
}
