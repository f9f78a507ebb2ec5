/**
 * Run-length encoding of label planes for the project file (issue #5, "git-friendly project").
 *
 * A plane becomes one string per non-empty row, `"<row>: <column>+<length>=<class> …"`, for example
 * `"12: 5+3=1 20+4=2"` = row 12, columns 5..7 class 1 and columns 20..23 class 2. Only labelled runs are
 * written (unlabelled pixels are implicit). Rows are listed in increasing order and the list ends with the
 * terminator {@link PLANE_END}, so in the pretty-printed project every row line ends with a comma:
 * a stroke changes exactly the lines of the rows it touches (adding a last row does not edit the
 * previous line to add a comma), which keeps `git diff` small and lets two people who labelled
 * different rows merge.
 *
 * Planes are keyed `"t<t>z<z>"` ({@link planeKey}); empty planes are omitted.
 */
import { createLabelStore, type LabelShape, type LabelStore } from './labelVolume';

/** Last element of every encoded plane (see the module comment for why it exists). */
export const PLANE_END = 'end';

/** A malformed RLE string; `path` locates it (e.g. `["t0z0", 3]`) so callers can build a JSON pointer. */
export class LabelRleError extends Error {
  constructor(readonly path: (string | number)[], readonly reason: string) {
    super(reason);
    this.name = 'LabelRleError';
  }
}

/**
 * Encodes the labelled runs of one row.
 * @param row class ids of one row (0 = unlabelled)
 * @returns space-separated `column+length=class` runs, `''` when the row is empty
 * @example encodeRowRuns(Uint8Array.of(0, 1, 1, 0, 2)) === '1+2=1 4+1=2'
 */
export function encodeRowRuns(row: Uint8Array): string {
  const parts: string[] = [];
  const n = row.length;
  let column = 0;
  while (column < n) {
    const value = row[column];
    if (value === 0) { column++; continue; }
    let end = column + 1;
    while (end < n && row[end] === value) end++;
    parts.push(`${column}+${end - column}=${value}`);
    column = end;
  }
  return parts.join(' ');
}

/**
 * Decodes `column+length=class` runs into `row` (which must be zero where no run is given; runs are written,
 * nothing is cleared).
 * @throws LabelRleError (with an empty path) for malformed runs, overlaps, class 0 or runs past the row end
 */
export function decodeRowRuns(text: string, row: Uint8Array): void {
  const tokens = text.split(' ').filter((s) => s.length > 0);
  let previousEnd = 0;
  for (const token of tokens) {
    const match = /^(\d+)\+(\d+)=(\d+)$/.exec(token);
    if (!match) throw new LabelRleError([], `malformed run "${token}" (expected column+length=class)`);
    const column = Number(match[1]);
    const length = Number(match[2]);
    const value = Number(match[3]);
    if (length < 1) throw new LabelRleError([], `run "${token}" has length 0`);
    if (value < 1 || value > 255) throw new LabelRleError([], `run "${token}" has class ${value} (must be 1..255)`);
    if (column < previousEnd) throw new LabelRleError([], `run "${token}" overlaps or precedes the previous run`);
    if (column + length > row.length) throw new LabelRleError([], `run "${token}" ends past the row width ${row.length}`);
    row.fill(value, column, column + length);
    previousEnd = column + length;
  }
}

/**
 * Encodes a plane as `"<row>: runs"` lines for each non-empty row, followed by {@link PLANE_END}.
 * @param plane class ids, row-major, `width*height`
 * @returns `[]` when the plane has no labels (so empty planes can be omitted)
 */
export function encodePlane(plane: Uint8Array, width: number, height: number): string[] {
  const lines: string[] = [];
  for (let row = 0; row < height; row++) {
    const runs = encodeRowRuns(plane.subarray(row * width, (row + 1) * width));
    if (runs) lines.push(`${row}: ${runs}`);
  }
  if (lines.length > 0) lines.push(PLANE_END);
  return lines;
}

/**
 * Decodes lines made by {@link encodePlane} into `plane` (assumed zero-filled). The terminator is optional
 * (a hand-edited file may lack it) but nothing may follow it.
 * @throws LabelRleError whose `path` is `[lineIndex]`
 */
export function decodePlane(lines: unknown, plane: Uint8Array, width: number, height: number): void {
  decodeRows(lines, width, height, (row) => plane.subarray(row * width, (row + 1) * width));
}

function decodeRows(lines: unknown, width: number, height: number, rowTarget: (row: number) => Uint8Array): void {
  if (!Array.isArray(lines)) throw new LabelRleError([], 'a label plane must be an array of row strings');
  let previousRow = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (typeof line !== 'string') throw new LabelRleError([i], 'a label row must be a string');
    if (line === PLANE_END) {
      if (i !== lines.length - 1) throw new LabelRleError([i], `"${PLANE_END}" must be the last element of a label plane`);
      break;
    }
    const match = /^(\d+):(.*)$/.exec(line);
    if (!match) throw new LabelRleError([i], `malformed label row "${truncate(line)}" (expected "<row>: <column>+<length>=<class> …")`);
    const row = Number(match[1]);
    if (row >= height) throw new LabelRleError([i], `label row ${row} is outside the image (height ${height})`);
    if (row <= previousRow) throw new LabelRleError([i], `label row ${row} is out of order or repeated`);
    previousRow = row;
    try {
      decodeRowRuns(match[2], rowTarget(row));
    } catch (error) {
      if (error instanceof LabelRleError) throw new LabelRleError([i], `row ${row}: ${error.reason}`);
      throw error;
    }
  }
}

/**
 * The rows of an encoded plane by row number: each value is the whole line (`"12: 5+3=1"`), the terminator
 * dropped. What the row-level merges compare (a row is the unit two people edit independently).
 */
export function planeRows(lines: readonly string[] | undefined): Map<number, string> {
  const rows = new Map<number, string>();
  for (const line of lines ?? []) {
    if (line === PLANE_END) continue;
    rows.set(Number(line.slice(0, line.indexOf(':'))), line);
  }
  return rows;
}

/** The runs of a row line (`"12: 5+3=1 9+1=2"` → `" 5+3=1 9+1=2"`), for {@link decodeRowRuns}. */
export function rowRunsText(line: string): string {
  return line.slice(line.indexOf(':') + 1);
}

/** Key of plane (t, z) in the encoded labels, e.g. `"t0z3"`. */
export function planeKey(t: number, z: number): string {
  return `t${t}z${z}`;
}

/** Parses a {@link planeKey}; `undefined` when malformed. */
export function parsePlaneKey(key: string): { t: number; z: number } | undefined {
  const match = /^t(\d+)z(\d+)$/.exec(key);
  return match ? { t: Number(match[1]), z: Number(match[2]) } : undefined;
}

/** Encoded labels of one image: plane key → row lines (see {@link encodePlane}). */
export type EncodedLabels = Record<string, string[]>;

/**
 * Encodes every non-empty plane of a label volume. Keys are inserted in (t, z) order.
 */
export function encodeLabels(volume: LabelStore): EncodedLabels {
  const result: EncodedLabels = {};
  const { t: nt, z: nz } = volume.shape;
  for (let t = 0; t < nt; t++) {
    for (let z = 0; z < nz; z++) {
      // Only the rows that can hold labels are read (a sparse store lists those of its blocks).
      const lines: string[] = [];
      for (const row of volume.candidateRows(t, z)) {
        const runs = encodeRowRuns(volume.row(t, z, row));
        if (runs) lines.push(`${row}: ${runs}`);
      }
      if (lines.length > 0) result[planeKey(t, z)] = [...lines, PLANE_END];
    }
  }
  return result;
}

/**
 * Decodes labels into a new volume of `shape`.
 * @throws LabelRleError with path `[planeKey, lineIndex?]`
 */
export function decodeLabels(encoded: unknown, shape: LabelShape, denseLimit?: number): LabelStore {
  const volume = createLabelStore(shape, denseLimit);
  const row = new Uint8Array(shape.x);
  forEachPlane(encoded, shape, (t, z, lines) => {
    // Each row is decoded into a scratch row and written (a sparse store allocates only the blocks it touches).
    let pending = -1;
    decodeRows(lines, shape.x, shape.y, (r) => {
      if (pending >= 0) volume.writeRow(t, z, pending, row);
      row.fill(0);
      pending = r;
      return row;
    });
    if (pending >= 0) volume.writeRow(t, z, pending, row);
  });
  volume.changed();
  return volume;
}

/**
 * Checks encoded labels against an image shape without allocating the label volume (one row of scratch),
 * so a project of a huge image can be validated cheaply.
 * @throws LabelRleError with path `[planeKey, lineIndex?]`
 */
export function validateLabels(encoded: unknown, shape: LabelShape): void {
  const scratch = new Uint8Array(shape.x);
  forEachPlane(encoded, shape, (_t, _z, lines) => decodeRows(lines, shape.x, shape.y, () => scratch.fill(0)));
}

function forEachPlane(encoded: unknown, shape: LabelShape, visit: (t: number, z: number, lines: unknown) => void): void {
  if (encoded === undefined || encoded === null) return;
  if (typeof encoded !== 'object' || Array.isArray(encoded)) {
    throw new LabelRleError([], 'labels of an image must be an object of planes ("t0z0": [rows…])');
  }
  for (const [key, lines] of Object.entries(encoded as Record<string, unknown>)) {
    const tz = parsePlaneKey(key);
    if (!tz) throw new LabelRleError([key], `malformed plane key "${key}" (expected t<time>z<slice>)`);
    if (tz.t >= shape.t || tz.z >= shape.z) {
      throw new LabelRleError([key], `plane ${key} is outside the image (t<${shape.t}, z<${shape.z})`);
    }
    try {
      visit(tz.t, tz.z, lines);
    } catch (error) {
      if (error instanceof LabelRleError) throw new LabelRleError([key, ...error.path], error.reason);
      throw error;
    }
  }
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
