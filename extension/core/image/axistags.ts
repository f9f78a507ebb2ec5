/**
 * ilastik's `axistags` (vigra): a JSON string `{"axes": [{"key": "t"|"z"|"y"|"x"|"c", "typeFlags": …,
 * "resolution": …}, …]}` stored as an attribute of HDF5 datasets, naming each dimension in storage order
 * (slowest first). Older projects store an `axisorder` string such as `txyzc` instead.
 */

/** One named dimension. */
export interface AxisTag {
  key: 't' | 'z' | 'y' | 'x' | 'c';
  /** Pixel size when set (0 or absent = unknown). */
  resolution?: number;
}

const KEYS = new Set(['t', 'z', 'y', 'x', 'c']);

/**
 * Parses axistags JSON (or an `axisorder` string like `txyzc`).
 * @throws Error saying what is wrong (unknown or repeated keys, not JSON)
 */
export function parseAxisTags(text: string): AxisTag[] {
  const trimmed = text.trim();
  let axes: AxisTag[];
  if (/^[tzyxc]+$/.test(trimmed)) {
    axes = [...trimmed].map((key) => ({ key: key as AxisTag['key'] }));
  } else {
    let raw: unknown;
    try {
      raw = JSON.parse(trimmed);
    } catch {
      throw new Error(`axistags are not JSON: ${trimmed.slice(0, 60)}`);
    }
    const list = (raw as { axes?: unknown }).axes;
    if (!Array.isArray(list)) throw new Error('axistags have no "axes" list');
    axes = list.map((a: { key?: unknown; resolution?: unknown }) => {
      if (typeof a?.key !== 'string' || !KEYS.has(a.key)) throw new Error(`axistags name an unknown axis ${JSON.stringify(a?.key)}`);
      const r = typeof a.resolution === 'number' && a.resolution > 0 ? { resolution: a.resolution } : {};
      return { key: a.key as AxisTag['key'], ...r };
    });
  }
  const seen = new Set<string>();
  for (const a of axes) {
    if (seen.has(a.key)) throw new Error(`axistags repeat the axis "${a.key}"`);
    seen.add(a.key);
  }
  return axes;
}

/** Axistags JSON for `keys` in storage order (what ilastik writes; typeFlags: 1 channel, 2 space, 8 time). */
export function axisTagsJson(keys: readonly AxisTag['key'][]): string {
  const flags = { c: 1, x: 2, y: 2, z: 2, t: 8 } as const;
  return JSON.stringify({ axes: keys.map((key) => ({ key, typeFlags: flags[key], resolution: 0, description: '' })) });
}

/**
 * Guesses axes for a dataset without axistags from its rank, as ilastik does for plain HDF5: 2 → yx, 3 → zyx or
 * yxc (last dimension ≤ 4 is channels), 4 → zyxc, 5 → tzyxc.
 */
export function defaultAxes(shape: readonly number[]): AxisTag['key'][] | undefined {
  switch (shape.length) {
    case 2: return ['y', 'x'];
    case 3: return shape[2] <= 4 ? ['y', 'x', 'c'] : ['z', 'y', 'x'];
    case 4: return ['z', 'y', 'x', 'c'];
    case 5: return ['t', 'z', 'y', 'x', 'c'];
    default: return undefined;
  }
}
