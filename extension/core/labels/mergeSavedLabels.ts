/**
 * Brings a change of an image's saved labels into labels that have unsaved edits (issue #12): when the
 * project on disk gained a teammate's rows, or another editor's save merged them, an open document with
 * unsaved strokes must show them too — and keep its own strokes.
 *
 * Pixel by pixel, for the rows whose encoding differs between `previous` and `next`: a pixel the user has
 * not changed (it still equals `previous`) takes `next`; a pixel the user changed keeps the user's value,
 * and if `next` changed it differently it is counted as a conflict (the caller tells the user). Rows that
 * did not change are not decoded, so the cost follows the size of the change, not of the image.
 */
import { decodeRowRuns, type EncodedLabels, parsePlaneKey, planeRows, rowRunsText } from './labelRle';
import type { LabelStore } from './labelVolume';

/**
 * Applies `previous → next` to `labels` in place (see the module comment); calls `labels.changed()` when a
 * pixel changed.
 * @returns pixels changed, and pixels whose unsaved value was kept over a different saved change
 */
export function mergeSavedLabelsInto(
  labels: LabelStore,
  previous: EncodedLabels | undefined,
  next: EncodedLabels | undefined,
): { changed: number; conflicts: number } {
  const width = labels.shape.x;
  const before = new Uint8Array(width);
  const after = new Uint8Array(width);
  let changed = 0;
  let conflicts = 0;
  for (const key of new Set([...Object.keys(previous ?? {}), ...Object.keys(next ?? {})])) {
    const tz = parsePlaneKey(key);
    if (!tz || tz.t >= labels.shape.t || tz.z >= labels.shape.z) continue;
    const oldRows = planeRows(previous?.[key]);
    const newRows = planeRows(next?.[key]);
    for (const row of new Set([...oldRows.keys(), ...newRows.keys()])) {
      const o = oldRows.get(row) ?? '';
      const n = newRows.get(row) ?? '';
      if (o === n || row >= labels.shape.y) continue;
      before.fill(0);
      after.fill(0);
      decodeRowRuns(rowRunsText(o), before);
      decodeRowRuns(rowRunsText(n), after);
      // A view for the dense store, a copy for the sparse one (written back below).
      const live = labels.row(tz.t, tz.z, row);
      let wrote = false;
      for (let x = 0; x < width; x++) {
        if (before[x] === after[x]) continue;
        if (live[x] === before[x]) {
          live[x] = after[x];
          wrote = true;
          changed++;
        } else if (live[x] !== after[x]) conflicts++;
      }
      if (wrote) labels.writeRow(tz.t, tz.z, row, live);
    }
  }
  if (changed > 0) labels.changed();
  return { changed, conflicts };
}
