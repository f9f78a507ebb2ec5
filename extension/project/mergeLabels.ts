/**
 * Three-way merge of encoded labels at the level of label rows (issue #12).
 *
 * The project file stores one RLE string per labelled row (extension/core/labels/labelRle.ts), so a row is
 * the unit two people edit independently and the unit `git merge` sees. A row changed on one side only is
 * taken from that side; the same row changed differently on both sides is a conflict, resolved by the
 * caller's choice (`prefer`) and always reported, never dropped silently.
 */
import { PLANE_END, planeRows, type EncodedLabels } from '../core/labels/labelRle';

/** A label row changed differently on both sides. */
export interface RowConflict {
  kind: 'row';
  /** Image path (project-relative). */
  image: string;
  /** Plane key, e.g. `t0z3`. */
  plane: string;
  row: number;
  /** The row's RLE text on each side (`''` = no labels in that row). */
  base: string;
  ours: string;
  theirs: string;
}

/** Which side wins a conflict. */
export type MergePreference = 'ours' | 'theirs';

/** Builds plane lines from rows (sorted, terminated); `undefined` when there is no row. */
export function rowsToPlane(rows: Map<number, string>): string[] | undefined {
  if (rows.size === 0) return undefined;
  const sorted = [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, line]) => line);
  sorted.push(PLANE_END);
  return sorted;
}

/**
 * Merges one image's labels.
 * @param image the image path, for conflict reports
 * @param prefer the side taken for conflicting rows (the conflict is reported either way)
 * @returns merged labels (`undefined` when nothing is labelled) and the conflicting rows
 */
export function mergeImageLabels(
  image: string,
  base: EncodedLabels | undefined,
  ours: EncodedLabels | undefined,
  theirs: EncodedLabels | undefined,
  prefer: MergePreference,
): { merged: EncodedLabels | undefined; conflicts: RowConflict[] } {
  const conflicts: RowConflict[] = [];
  const merged: EncodedLabels = {};
  const planes = new Set([...Object.keys(base ?? {}), ...Object.keys(ours ?? {}), ...Object.keys(theirs ?? {})]);
  for (const plane of planes) {
    const b = base?.[plane];
    const o = ours?.[plane];
    const t = theirs?.[plane];
    if (sameLines(o, t) || sameLines(t, b)) {
      if (o) merged[plane] = o;
      continue;
    }
    if (sameLines(o, b)) {
      if (t) merged[plane] = t;
      continue;
    }
    const baseRows = planeRows(b);
    const ourRows = planeRows(o);
    const theirRows = planeRows(t);
    const out = new Map<number, string>();
    for (const row of new Set([...baseRows.keys(), ...ourRows.keys(), ...theirRows.keys()])) {
      const br = baseRows.get(row) ?? '';
      const or = ourRows.get(row) ?? '';
      const tr = theirRows.get(row) ?? '';
      let pick: string;
      if (or === tr || tr === br) pick = or;
      else if (or === br) pick = tr;
      else {
        conflicts.push({ kind: 'row', image, plane, row, base: br, ours: or, theirs: tr });
        pick = prefer === 'ours' ? or : tr;
      }
      if (pick !== '') out.set(row, pick);
    }
    const lines = rowsToPlane(out);
    if (lines) merged[plane] = lines;
  }
  return { merged: Object.keys(merged).length > 0 ? merged : undefined, conflicts };
}

function sameLines(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return (a?.length ?? 0) === 0 && (b?.length ?? 0) === 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
