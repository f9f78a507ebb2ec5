/**
 * The project's pretty-printer: stable key order and a line layout made for `git diff` and merges (issue #5).
 *
 * - Keys of known objects come in schema order, other keys alphabetically; image label maps are sorted by
 *   path and planes by (t, z), so the same project always prints the same bytes.
 * - Arrays of strings (label rows) print one element per line, so a stroke changes only its rows' lines
 *   (the plane terminator keeps the last row's comma stable, see labelRle.ts).
 * - Small flat objects (a class, a scale, a shape) and arrays of numbers/booleans print on one line, which
 *   keeps the file short without hurting diffs.
 */
import { FEATURE_IDS } from '../core/features/featureSet';
import { parsePlaneKey } from '../core/labels/labelRle';
import type { PixelClassifierProject } from './projectSchema';

const KEY_ORDER = [
  'format', 'version', 'provenance', 'classes', 'classifier', 'features', 'export', 'images', 'labels',
  'extensionVersion', 'lastTrained', 'oobError', 'trainingHash',
  'name', 'color', 'trees', 'seed', 'maxDepth', 'minSamplesLeaf',
  'scales', 'selected', 'scaleUnit', 'featureChannels', 'sigma', 'in2D', ...FEATURE_IDS,
  'path', 'sha256', 'shape', 't', 'z', 'c', 'y', 'x',
  'source', 'dtype', 'filenameFormat', 'compression', 'internalPath',
];
const RANK = new Map(KEY_ORDER.map((k, i) => [k, i]));

function compareKeys(a: string, b: string): number {
  const ra = RANK.get(a) ?? Infinity;
  const rb = RANK.get(b) ?? Infinity;
  if (ra !== rb) return ra - rb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePlaneKeys(a: string, b: string): number {
  const pa = parsePlaneKey(a);
  const pb = parsePlaneKey(b);
  if (pa && pb) return pa.t - pb.t || pa.z - pb.z;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isPrimitive(value: unknown): boolean {
  return value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string';
}

function orderedKeys(value: Record<string, unknown>, path: string[]): string[] {
  const keys = Object.keys(value).filter((k) => value[k] !== undefined);
  if (path.length === 1 && path[0] === 'labels') return keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (path.length === 2 && path[0] === 'labels') return keys.sort(comparePlaneKeys);
  // "format" is both the top-level format id and an export field; both sort by the same rank, harmless.
  return keys.sort(compareKeys);
}

function print(value: unknown, indent: string, path: string[]): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`cannot write ${value} at /${path.join('/')} (JSON has no NaN/Infinity)`);
  if (isPrimitive(value)) return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v === null || typeof v === 'number' || typeof v === 'boolean')) {
      return `[${value.map((v, i) => print(v, inner, [...path, String(i)])).join(', ')}]`;
    }
    return `[\n${value.map((v) => inner + print(v, inner, [...path, '#'])).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const object = value as Record<string, unknown>;
    const keys = orderedKeys(object, path);
    if (keys.length === 0) return '{}';
    if (keys.length <= 6 && keys.every((k) => isPrimitive(object[k])) && path[0] !== 'provenance') {
      return `{ ${keys.map((k) => `${JSON.stringify(k)}: ${print(object[k], inner, [...path, k])}`).join(', ')} }`;
    }
    return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${print(object[k], inner, [...path, k])}`).join(',\n')}\n${indent}}`;
  }
  throw new TypeError(`cannot write ${typeof value} to a project file`);
}

/**
 * The exact text written to `<name>.pixelclass.json` (UTF-8, LF line ends, trailing newline).
 * Non-finite numbers are rejected (JSON cannot hold them).
 */
export function stringifyProject(project: PixelClassifierProject): string {
  return `${print(project, '', [])}\n`;
}
