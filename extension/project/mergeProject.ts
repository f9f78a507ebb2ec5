/**
 * Three-way merge of whole projects (issue #12: "disk changes merged, never overwritten").
 *
 * base = the version last read or written, ours = the project in memory, theirs = the file on disk now.
 * Settings merge per field (a class per index and attribute, classifier and export settings per key, the
 * feature selection as one value, image entries per path); labels merge per row ({@link mergeImageLabels}).
 * A change on one side only is taken; the same thing changed differently on both sides is a conflict that
 * is resolved by `prefer` and always listed, so the caller can ask the user before anything is written.
 *
 * Deleting a class renumbers the classes after it and their labels, so rows of the other side would mean
 * another class: a class deletion on one side with any class or label change on the other is one
 * `classes` conflict, resolved wholesale (the preferred side's classes and labels).
 */
import type { PixelClassifierProject } from './projectSchema';
import { mergeImageLabels, type MergePreference, type RowConflict } from './mergeLabels';

/** A project setting changed differently on both sides. */
export interface FieldConflict {
  kind: 'field';
  /** JSON pointer of the setting, e.g. `/classes/1/color`, `/features`. */
  pointer: string;
  /** One line for the user. */
  message: string;
}

export type MergeConflict = RowConflict | FieldConflict;

/** Result of {@link mergeProjects}. */
export interface ProjectMerge {
  merged: PixelClassifierProject;
  conflicts: MergeConflict[];
}

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Merges one value three ways; records a conflict (and takes `prefer`'s side) when both sides changed it
 * differently.
 */
function mergeValue<T>(pointer: string, what: string, base: T, ours: T, theirs: T, prefer: MergePreference, conflicts: MergeConflict[]): T {
  if (same(ours, theirs) || same(theirs, base)) return clone(ours);
  if (same(ours, base)) return clone(theirs);
  conflicts.push({ kind: 'field', pointer, message: `${what} changed differently in memory and on disk` });
  return clone(prefer === 'ours' ? ours : theirs);
}

/** Merges an object's keys one by one. */
function mergeRecord<T extends object>(pointer: string, what: string, base: T, ours: T, theirs: T, prefer: MergePreference, conflicts: MergeConflict[]): T {
  const b = base as Record<string, unknown>;
  const o = ours as Record<string, unknown>;
  const t = theirs as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(b), ...Object.keys(o), ...Object.keys(t)])) {
    const v = mergeValue(`${pointer}/${key}`, `${what} "${key}"`, b[key], o[key], t[key], prefer, conflicts);
    if (v !== undefined) out[key] = v;
  }
  return out as T;
}

/**
 * Merges `ours` and `theirs` against `base`.
 * @param prefer the side taken for conflicts (they are listed either way)
 */
export function mergeProjects(
  base: PixelClassifierProject,
  ours: PixelClassifierProject,
  theirs: PixelClassifierProject,
  prefer: MergePreference = 'ours',
): ProjectMerge {
  const conflicts: MergeConflict[] = [];
  const merged = clone(ours);
  merged.provenance = clone(ours.provenance);
  merged.classifier = mergeRecord('/classifier', 'classifier setting', base.classifier, ours.classifier, theirs.classifier, prefer, conflicts);
  merged.export = mergeRecord('/export', 'export setting', base.export, ours.export, theirs.export, prefer, conflicts);
  // The filter bank, the scale unit and the feature channels merge independently (issue #15).
  const bank = (f: PixelClassifierProject['features']) => ({ scales: f.scales, selected: f.selected });
  const mergedBank = mergeValue('/features', 'the feature selection', bank(base.features), bank(ours.features), bank(theirs.features), prefer, conflicts);
  const scaleUnit = mergeValue('/features/scaleUnit', 'the feature scale unit', base.features.scaleUnit, ours.features.scaleUnit, theirs.features.scaleUnit, prefer, conflicts);
  const featureChannels = mergeValue('/features/featureChannels', 'the feature channels', base.features.featureChannels, ours.features.featureChannels, theirs.features.featureChannels, prefer, conflicts);
  merged.features = { ...clone(mergedBank), ...(scaleUnit ? { scaleUnit } : {}), ...(featureChannels ? { featureChannels: clone(featureChannels) } : {}) };

  // Images: per path; an entry removed on one side and unchanged on the other is removed.
  const images = new Map<string, PixelClassifierProject['images'][number]>();
  const find = (p: PixelClassifierProject, path: string) => p.images.find((i) => i.path === path);
  const paths = [...ours.images.map((i) => i.path), ...theirs.images.map((i) => i.path).filter((p) => !find(ours, p))];
  for (const path of paths) {
    const entry = mergeValue(`/images/${path}`, `the entry of ${path}`, find(base, path), find(ours, path), find(theirs, path), prefer, conflicts);
    if (entry) images.set(path, entry);
  }
  merged.images = [...images.values()];

  const deletedOurs = ours.classes.length < base.classes.length && !same(ours.classes, theirs.classes);
  const deletedTheirs = theirs.classes.length < base.classes.length && !same(ours.classes, theirs.classes);
  const labelsChanged = (p: PixelClassifierProject) => !same(p.labels, base.labels);
  if ((deletedOurs && (labelsChanged(theirs) || !same(theirs.classes, base.classes))) ||
      (deletedTheirs && (labelsChanged(ours) || !same(ours.classes, base.classes)))) {
    conflicts.push({
      kind: 'field', pointer: '/classes',
      message: `a class was deleted ${deletedOurs ? 'in memory' : 'on disk'} while classes or labels changed ${deletedOurs ? 'on disk' : 'in memory'}`,
    });
    const side = prefer === 'ours' ? ours : theirs;
    merged.classes = clone(side.classes);
    merged.labels = clone(side.labels);
    merged.images = clone(side.images);
    return { merged, conflicts };
  }

  const classes: PixelClassifierProject['classes'] = [];
  const nClasses = Math.max(base.classes.length, ours.classes.length, theirs.classes.length);
  for (let i = 0; i < nClasses; i++) {
    const b = base.classes[i];
    const o = ours.classes[i];
    const t = theirs.classes[i];
    let c: typeof o | undefined;
    if (b && o && t) c = mergeRecord(`/classes/${i}`, `class ${i + 1}`, b, o, t, prefer, conflicts);
    else c = mergeValue(`/classes/${i}`, `class ${i + 1}`, b, o, t, prefer, conflicts);
    if (c) classes.push(c);
    else break; // ids are 1..N in list order: a gap ends the list
  }
  merged.classes = classes;

  merged.labels = {};
  const labelPaths = new Set([...Object.keys(base.labels), ...Object.keys(ours.labels), ...Object.keys(theirs.labels)]);
  for (const path of [...labelPaths].sort()) {
    const { merged: labels, conflicts: rows } = mergeImageLabels(path, base.labels[path], ours.labels[path], theirs.labels[path], prefer);
    conflicts.push(...rows);
    if (labels && images.has(path)) merged.labels[path] = labels;
  }
  return { merged, conflicts };
}

/** One line per conflict kind for the user, e.g. `3 label rows of cells.tif; the feature selection`. */
export function describeConflicts(conflicts: readonly MergeConflict[]): string {
  const rowsByImage = new Map<string, number>();
  const fields: string[] = [];
  for (const c of conflicts) {
    if (c.kind === 'row') rowsByImage.set(c.image, (rowsByImage.get(c.image) ?? 0) + 1);
    else fields.push(c.message);
  }
  const parts = [...rowsByImage].map(([image, n]) => `${n} label row${n === 1 ? '' : 's'} of ${image} changed on both sides`);
  return [...parts, ...fields].join('; ');
}
