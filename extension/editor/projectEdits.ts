/**
 * Undoable edits of the shared project's settings made from one document (split out of labelDocument.ts,
 * issue #19): add, rename, recolour and delete a class, change the feature selection. Each builder applies
 * its edit and returns it with `undo`/`redo`; the document publishes it to VS Code's undo stack. Class and
 * feature changes go through the shared project, so every open image of the project shows them (issue #12).
 */
import { validateSelection, type FeatureSelection } from '../core/features/featureSet';
import { applyEdit, deleteClassEdit as labelDeletion, editPatches, revertEdit, type EditPatch, type LabelEdit } from '../core/labels/labelEdit';
import { decodeLabels, encodeLabels, type EncodedLabels } from '../core/labels/labelRle';
import type { LabelStore } from '../core/labels/labelVolume';
import { defaultClass, type PixelClassifierProject, type ProjectClass } from '../project/projectSchema';
import type { FeatureSelectionData } from '../protocol';
import { PROTOCOL_LIMITS } from '../protocol';

/** An entry for VS Code's undo stack (structurally a `CustomDocumentEditEvent` minus the document). */
export interface DocumentEdit {
  label: string;
  undo(): void;
  redo(): void;
}

/** Another open document of the project whose unsaved labels a class deletion must renumber too. */
export interface LabelledMember {
  readonly labels: LabelStore | undefined;
  applyForeignEdit(edit: LabelEdit, undo: boolean): void;
}

/** What the edit builders need from the document they are made in. */
export interface ProjectEditTarget {
  /** The shared project (classes, features, every image's saved labels). */
  readonly project: PixelClassifierProject;
  /** This document's labels. */
  readonly labels: LabelStore | undefined;
  /** Sets the shared classes (every open document of the project is told). */
  setClasses(classes: ProjectClass[]): void;
  /** Sets the shared feature selection. */
  setFeatures(features: FeatureSelection): void;
  /** The other open documents of the project. */
  otherMembers(): LabelledMember[];
  /** Reports that this document's labels changed in these patches. */
  labelsChanged(patches: EditPatch[]): void;
}

const copyClasses = (classes: readonly ProjectClass[]) => classes.map((c) => ({ ...c }));

/** Replaces the class list as one edit. */
function classListEdit(target: ProjectEditTarget, label: string, next: ProjectClass[]): DocumentEdit {
  const previous = copyClasses(target.project.classes);
  const after = copyClasses(next);
  const edit: DocumentEdit = { label, undo: () => target.setClasses(previous), redo: () => target.setClasses(after) };
  edit.redo();
  return edit;
}

/** Adds a class with ilastik's next default name and colour. */
export function addClassEdit(target: ProjectEditTarget): DocumentEdit {
  const classes = target.project.classes;
  if (classes.length >= PROTOCOL_LIMITS.maxClasses) throw new Error(`a project can have at most ${PROTOCOL_LIMITS.maxClasses} classes`);
  const id = classes.length + 1;
  const used = new Set(classes.map((c) => c.name));
  const added = defaultClass(id);
  let name = added.name;
  for (let k = id; used.has(name); k++) name = `Label ${k + 1}`;
  return classListEdit(target, `Add class ${name}`, [...classes, { ...added, name }]);
}

/** Renames class `classId` (1-based); undefined when nothing changes. */
export function renameClassEdit(target: ProjectEditTarget, classId: number, name: string): DocumentEdit | undefined {
  const old = target.project.classes[classId - 1];
  if (!old || old.name === name) return undefined;
  return classListEdit(target, `Rename ${old.name} to ${name}`, target.project.classes.map((c, i) => (i === classId - 1 ? { ...c, name } : c)));
}

/** Recolours class `classId` (1-based); undefined when nothing changes. */
export function recolorClassEdit(target: ProjectEditTarget, classId: number, color: string): DocumentEdit | undefined {
  const old = target.project.classes[classId - 1];
  if (!old || old.color === color) return undefined;
  return classListEdit(target, `Recolour ${old.name}`, target.project.classes.map((c, i) => (i === classId - 1 ? { ...c, color } : c)));
}

/**
 * Deletes class `classId` and its labels everywhere as ONE edit: this document's labels, the unsaved labels of
 * the project's other open documents, and the saved labels of every image (so a clean document stays equal to
 * its saved state). Higher class ids move down by one (ids stay 1..N in list order).
 */
export function removeClassEdit(target: ProjectEditTarget, classId: number): DocumentEdit {
  const project = target.project;
  const old = project.classes[classId - 1];
  if (!old) throw new Error(`class ${classId} does not exist`);
  if (project.classes.length <= 1) throw new Error('the last class cannot be deleted');
  const labels = target.labels;
  const own = labels ? labelDeletion(labels, classId, `Delete ${old.name}`) : undefined;
  const memberEdits = target.otherMembers().flatMap((member) => {
    const edit = member.labels ? labelDeletion(member.labels, classId, `Delete ${old.name}`) : undefined;
    return edit ? [{ member, edit }] : [];
  });
  const saved: { path: string; before: EncodedLabels | undefined; after: EncodedLabels | undefined }[] = [];
  for (const image of project.images) {
    const encoded = project.labels[image.path];
    if (!encoded) continue;
    const volume = decodeLabels(encoded, { t: image.shape.t, z: image.shape.z, y: image.shape.y, x: image.shape.x });
    const e = labelDeletion(volume, classId);
    if (!e) continue;
    applyEdit(volume, e);
    const after = encodeLabels(volume);
    saved.push({ path: image.path, before: encoded, after: Object.keys(after).length ? after : undefined });
  }
  const classesBefore = copyClasses(project.classes);
  const classesAfter = classesBefore.filter((_, i) => i !== classId - 1);
  const setSaved = (which: 'before' | 'after') => {
    for (const o of saved) {
      const v = o[which];
      if (v) target.project.labels[o.path] = v;
      else delete target.project.labels[o.path];
    }
  };
  const apply = (undo: boolean) => {
    if (labels && own) (undo ? revertEdit : applyEdit)(labels, own);
    for (const m of memberEdits) m.member.applyForeignEdit(m.edit, undo);
    setSaved(undo ? 'before' : 'after');
    target.setClasses(undo ? classesBefore : classesAfter);
    if (labels && own) target.labelsChanged(editPatches(labels, own));
  };
  const edit: DocumentEdit = { label: `Delete class ${old.name}`, undo: () => apply(true), redo: () => apply(false) };
  edit.redo();
  return edit;
}

/**
 * Replaces the feature selection; undefined when nothing changes.
 * @throws Error listing what is wrong with the selection (core's validateSelection)
 */
export function setFeaturesEdit(target: ProjectEditTarget, selection: FeatureSelectionData): DocumentEdit | undefined {
  const problems = validateSelection(selection as FeatureSelection);
  if (problems.length > 0) throw new Error(`invalid feature selection: ${problems.join('; ')}`);
  const before = JSON.parse(JSON.stringify(target.project.features)) as FeatureSelection;
  const after = JSON.parse(JSON.stringify(selection)) as FeatureSelection;
  if (JSON.stringify(before) === JSON.stringify(after)) return undefined;
  const edit: DocumentEdit = { label: 'Change features', undo: () => target.setFeatures(before), redo: () => target.setFeatures(after) };
  edit.redo();
  return edit;
}
