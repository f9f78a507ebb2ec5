/**
 * OME-Zarr (NGFF) metadata of a multiscale image: `multiscales` (0.4 in `.zattrs`, 0.5 under `ome` in the
 * group's `zarr.json` attributes) with axes, units and `coordinateTransformations`, and the `omero` channel
 * labels. Parsed defensively: the JSON is untrusted, every problem is one sentence for an ImageError.
 */

/** The five axes of the image model, lower case. */
export type AxisKey = 't' | 'c' | 'z' | 'y' | 'x';

/** One axis of a Zarr array, in storage order. */
export interface ZarrAxis {
  key: AxisKey;
  /** e.g. `micrometer`, `second` (OME-Zarr), when stated. */
  unit?: string;
}

/** One resolution level: the array's path in the group and its `scale` transformation (per axis), if any. */
export interface OmeDataset {
  path: string;
  scale?: number[];
}

/** The first multiscale image of a group. */
export interface OmeMultiscale {
  /** `0.4`, `0.5`, … as the file states (`0.5` when found under `ome`). */
  version?: string;
  /** Absent in OME-Zarr ≤ 0.3 files without axes. */
  axes?: ZarrAxis[];
  /** Level 0 first (the spec orders them from highest resolution to lowest). */
  datasets: OmeDataset[];
  /** The multiscale-wide `scale`, applied to every level. */
  globalScale?: number[];
}

/** A short text of an untrusted JSON value for a message (never throws, whatever its depth). */
export function jsonText(value: unknown, max = 60): string {
  try {
    return String(JSON.stringify(value)).slice(0, max);
  } catch {
    return Array.isArray(value) ? 'a nested list' : typeof value;
  }
}

const KEYS: readonly string[] = ['t', 'c', 'z', 'y', 'x'];
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The axis key of an OME-Zarr axis (a name, or `{ name, type, unit }`). @throws Error for an axis we cannot place */
export function axisFromOme(axis: unknown): ZarrAxis {
  const name = typeof axis === 'string' ? axis : isRecord(axis) && typeof axis.name === 'string' ? axis.name : undefined;
  if (name === undefined) throw new Error(`an axis has no name (${jsonText(axis)})`);
  const type = isRecord(axis) && typeof axis.type === 'string' ? axis.type : undefined;
  const unit = isRecord(axis) && typeof axis.unit === 'string' && axis.unit !== '' ? axis.unit : undefined;
  const lower = name.toLowerCase();
  const key = KEYS.includes(lower) ? lower : type === 'time' ? 't' : type === 'channel' ? 'c' : undefined;
  if (!key) throw new Error(`axis "${name.slice(0, 40)}" is not one of t, c, z, y, x`);
  return { key: key as AxisKey, ...(unit ? { unit } : {}) };
}

/** Checks that axes name each of t, c, z, y, x at most once and include y and x. */
export function checkAxes(axes: readonly ZarrAxis[]): void {
  const keys = axes.map((a) => a.key);
  if (new Set(keys).size !== keys.length) throw new Error(`axes ${keys.join('')} name an axis twice`);
  if (!keys.includes('y') || !keys.includes('x')) throw new Error(`axes ${keys.join('')} have no y and x`);
}

/** The `scale` of a list of coordinateTransformations, when valid for `rank` axes. */
function scaleOf(transforms: unknown, rank: number | undefined): number[] | undefined {
  if (!Array.isArray(transforms)) return undefined;
  const scale = transforms.find((t) => isRecord(t) && t.type === 'scale') as Record<string, unknown> | undefined;
  const values = scale?.scale;
  if (!Array.isArray(values) || (rank !== undefined && values.length !== rank)) return undefined;
  return values.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0) ? (values as number[]) : undefined;
}

/** The OME attributes of a group: 0.5 keeps them under `ome`, 0.4 at the top level. */
function omeAttributes(attrs: Record<string, unknown>): { ome: Record<string, unknown>; version?: string } {
  if (isRecord(attrs.ome)) return { ome: attrs.ome, version: typeof attrs.ome.version === 'string' ? attrs.ome.version : '0.5' };
  return { ome: attrs };
}

/**
 * The first multiscale image of a group's attributes, or `undefined` when it has none.
 * @throws Error (one sentence) for multiscales metadata that is present but unusable
 */
export function parseMultiscales(attrs: Record<string, unknown>): OmeMultiscale | undefined {
  const { ome, version: outer } = omeAttributes(attrs);
  const list = ome.multiscales;
  if (list === undefined) return undefined;
  if (!Array.isArray(list) || list.length === 0 || !isRecord(list[0])) throw new Error('multiscales is not a list of images');
  const first = list[0];
  const axes = first.axes === undefined ? undefined : Array.isArray(first.axes) ? first.axes.map(axisFromOme) : (() => { throw new Error('multiscales axes is not a list'); })();
  if (axes) checkAxes(axes);
  if (!Array.isArray(first.datasets) || first.datasets.length === 0) throw new Error('multiscales has no datasets');
  const datasets = first.datasets.map((d, i): OmeDataset => {
    if (!isRecord(d) || typeof d.path !== 'string') throw new Error(`multiscales dataset ${i} has no path`);
    const scale = scaleOf(d.coordinateTransformations, axes?.length);
    return { path: d.path, ...(scale ? { scale } : {}) };
  });
  const globalScale = scaleOf(first.coordinateTransformations, axes?.length);
  const version = typeof first.version === 'string' ? first.version : outer;
  return { ...(version ? { version } : {}), ...(axes ? { axes } : {}), datasets, ...(globalScale ? { globalScale } : {}) };
}

/** Channel labels from `omero.channels[].label`, when every channel has one. */
export function omeroChannelNames(attrs: Record<string, unknown>): string[] | undefined {
  const { ome } = omeAttributes(attrs);
  const omero = isRecord(ome.omero) ? ome.omero : isRecord(attrs.omero) ? attrs.omero : undefined;
  const channels = omero?.channels;
  if (!Array.isArray(channels) || channels.length === 0) return undefined;
  const labels = channels.map((c) => (isRecord(c) && typeof c.label === 'string' ? c.label : undefined));
  return labels.every((l) => l !== undefined) ? (labels as string[]) : undefined;
}

/**
 * Axes of an array without OME metadata: its v3 `dimension_names` when they are t/c/z/y/x, else guessed from
 * the rank as OME orders them: 2 → yx, 3 → cyx (first dimension ≤ 4) or zyx, 4 → czyx, 5 → tczyx.
 */
export function guessAxes(shape: readonly number[], dimensionNames?: unknown): ZarrAxis[] | undefined {
  if (Array.isArray(dimensionNames) && dimensionNames.length === shape.length) {
    try {
      const axes = dimensionNames.map(axisFromOme);
      checkAxes(axes);
      return axes;
    } catch {
      // names that are not t/c/z/y/x: fall back to the rank
    }
  }
  const keys: Record<number, AxisKey[]> = { 2: ['y', 'x'], 3: shape[0] <= 4 ? ['c', 'y', 'x'] : ['z', 'y', 'x'], 4: ['c', 'z', 'y', 'x'], 5: ['t', 'c', 'z', 'y', 'x'] };
  return keys[shape.length]?.map((key) => ({ key }));
}
