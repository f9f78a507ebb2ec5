/**
 * Invertible label edits (issue #5): a stroke, an erase or a class deletion is stored as the pixels it
 * touched with their previous and next class ids — never as a whole label image — so undo/redo is exact
 * and cheap, and unsaved edits can be backed up compactly.
 */
import type { LabelStore } from './labelVolume';

/** One invertible change of a {@link LabelStore}. */
export interface LabelEdit {
  /** Human-readable name shown in VS Code's undo stack, e.g. "Paint Label 1". */
  label: string;
  /** Class painted (0 = eraser); for class deletion the deleted class id. */
  classId: number;
  /** Flat indices into the label volume (t, z, row, column order), strictly increasing (float64: big images exceed 2³²). */
  indices: Float64Array;
  /** Class ids before the edit, one per index. */
  previous: Uint8Array;
  /** Class ids after the edit, one per index. */
  next: Uint8Array;
}

/** A changed rectangle of one plane, for broadcasting patches after apply/undo. */
export interface EditPatch {
  t: number;
  z: number;
  /** Half-open box in plane pixels. */
  box: { column: number; row: number; width: number; height: number };
}

/**
 * Builds the edit that sets `indices` of `volume` to `next` (one value for all, or one per index).
 * Indices that would not change are dropped; indices are sorted and deduplicated.
 * @returns `undefined` when nothing would change (so a no-op stroke adds no undo step)
 */
export function createEdit(
  volume: LabelStore,
  indices: ArrayLike<number>,
  next: number | ArrayLike<number>,
  label: string,
  classId = typeof next === 'number' ? next : 0,
): LabelEdit | undefined {
  const n = indices.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let sorted = true;
  for (let i = 1; i < n; i++) if (indices[i] <= indices[i - 1]) { sorted = false; break; }
  if (!sorted) order.sort((a, b) => indices[a] - indices[b]);
  const size = volume.size;
  const outIndices: number[] = [];
  const outPrevious: number[] = [];
  const outNext: number[] = [];
  let last = -1;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const index = indices[i];
    if (!Number.isInteger(index) || index < 0 || index >= size) {
      throw new RangeError(`edit index ${index} is outside the label volume (size ${size})`);
    }
    if (index === last) continue;
    last = index;
    const value = typeof next === 'number' ? next : next[i];
    if (!Number.isInteger(value) || value < 0 || value > 255) throw new RangeError(`class id ${value} must be 0..255`);
    const current = volume.getAt(index);
    if (current === value) continue;
    outIndices.push(index);
    outPrevious.push(current);
    outNext.push(value);
  }
  if (outIndices.length === 0) return undefined;
  return {
    label,
    classId,
    indices: Float64Array.from(outIndices),
    previous: Uint8Array.from(outPrevious),
    next: Uint8Array.from(outNext),
  };
}

/** Writes the edit's `next` values into the volume (redo). */
export function applyEdit(volume: LabelStore, edit: LabelEdit): void {
  write(volume, edit.indices, edit.next);
}

/** Writes the edit's `previous` values into the volume (undo). Equivalent to `applyEdit(volume, invertEdit(edit))`. */
export function revertEdit(volume: LabelStore, edit: LabelEdit): void {
  write(volume, edit.indices, edit.previous);
}

/** The inverse edit (previous and next swapped); the arrays are shared, not copied. */
export function invertEdit(edit: LabelEdit): LabelEdit {
  return { label: edit.label, classId: edit.classId, indices: edit.indices, previous: edit.next, next: edit.previous };
}

/**
 * The edit that deletes class `classId`: its pixels become unlabelled and higher class ids move down by
 * one, so class ids stay 1..N in list order (ilastik behaviour). One undoable step.
 */
export function deleteClassEdit(volume: LabelStore, classId: number, label = `Delete class ${classId}`): LabelEdit | undefined {
  if (!Number.isInteger(classId) || classId < 1 || classId > 255) throw new RangeError(`class id ${classId} must be 1..255`);
  const indices: number[] = [];
  const next: number[] = [];
  volume.forEachLabelled((i, v) => {
    if (v >= classId) { indices.push(i); next.push(v === classId ? 0 : v - 1); }
  });
  return createEdit(volume, indices, next, label, classId);
}

/**
 * The rectangles an edit changes, one per touched (t, z) plane (bounding box of the touched pixels).
 */
export function editPatches(volume: LabelStore, edit: LabelEdit): EditPatch[] {
  const { x: width, y: height, z: nz } = volume.shape;
  const planeSize = width * height;
  const patches: EditPatch[] = [];
  let current: { plane: number; r0: number; r1: number; c0: number; c1: number } | undefined;
  const flush = () => {
    if (!current) return;
    patches.push({
      t: Math.floor(current.plane / nz),
      z: current.plane % nz,
      box: { column: current.c0, row: current.r0, width: current.c1 - current.c0 + 1, height: current.r1 - current.r0 + 1 },
    });
  };
  for (let k = 0; k < edit.indices.length; k++) {
    const index = edit.indices[k];
    const plane = Math.floor(index / planeSize);
    const within = index - plane * planeSize;
    const row = Math.floor(within / width);
    const column = within - row * width;
    if (!current || current.plane !== plane) {
      flush();
      current = { plane, r0: row, r1: row, c0: column, c1: column };
    } else {
      if (row > current.r1) current.r1 = row;
      if (column < current.c0) current.c0 = column;
      if (column > current.c1) current.c1 = column;
    }
  }
  flush();
  return patches;
}

function write(volume: LabelStore, indices: Float64Array, values: Uint8Array): void {
  for (let i = 0; i < indices.length; i++) volume.setAt(indices[i], values[i]);
  volume.changed();
}
