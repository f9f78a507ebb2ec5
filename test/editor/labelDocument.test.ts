import { denseLabels } from '../../extension/core/labels/labelVolume';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LabelDocument, type DocumentChange, type DocumentEdit } from '../../extension/editor/labelDocument';
import { MemoryLogger } from '../../extension/editor/logger';
import { readProject } from '../../extension/project/projectFile';
import { fakeImage, fakeOpener, fakeUri } from './fakes';

let dir: string;
const shape = { t: 1, z: 2, c: 1, y: 6, x: 8 };

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pc-doc-'));
  // The image bytes only matter for the sha256 recorded in the project.
  await fs.writeFile(path.join(dir, 'cells.tif'), 'fake image bytes');
  await fs.writeFile(path.join(dir, 'other.tif'), 'other image bytes');
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function open(name = 'cells.tif', backup?: string) {
  const file = path.join(dir, name);
  const logger = new MemoryLogger();
  const doc = await LabelDocument.open(fakeUri(file), { openImage: fakeOpener({ [file]: fakeImage(shape, file) }), logger, extensionVersion: '9.9.9' }, backup);
  const edits: DocumentEdit[] = [];
  const changes: DocumentChange[] = [];
  doc.onDidEdit((e) => edits.push(e));
  doc.onDidChange((c) => changes.push(c));
  return { doc, edits, changes, logger };
}

const stroke = (...xy: number[]) => new Float32Array(xy);

describe('LabelDocument edits', () => {
  it('a stroke is one invertible edit; undo/redo restore labels exactly', async () => {
    const { doc, edits, changes } = await open();
    const before = denseLabels(doc.labels!).slice();
    doc.paint(0, 1, 1, 3, stroke(2.5, 2.5, 5.5, 2.5));
    const afterPaint = denseLabels(doc.labels!).slice();
    expect(edits).toHaveLength(1);
    expect(edits[0].label).toBe('Paint Label 1');
    expect(doc.labels!.plane(0, 0).every((v) => v === 0)).toBe(true); // other slice untouched
    expect(doc.labelCounts()).toEqual([0, afterPaint.filter((v) => v === 1).length, 0]);
    expect(changes[0]).toMatchObject({ kind: 'labels', patches: [{ t: 0, z: 1 }] });

    doc.paint(0, 1, 2, 1, stroke(3.5, 2.5)); // overwrite one pixel with class 2
    const afterSecond = denseLabels(doc.labels!).slice();
    edits[1].undo();
    expect(denseLabels(doc.labels!)).toEqual(afterPaint);
    edits[0].undo();
    expect(denseLabels(doc.labels!)).toEqual(before);
    edits[0].redo();
    edits[1].redo();
    expect(denseLabels(doc.labels!)).toEqual(afterSecond);
  });

  it('a stroke that changes nothing adds no undo step', async () => {
    const { doc, edits } = await open();
    doc.paint(0, 0, 0, 5, stroke(3, 3)); // erase on empty labels
    expect(edits).toHaveLength(0);
  });

  it('deleting a class removes its labels and shifts higher ids, as one undoable edit', async () => {
    const { doc, edits } = await open();
    doc.addClass();
    expect(doc.classes.map((c) => c.name)).toEqual(['Label 1', 'Label 2', 'Label 3']);
    doc.paint(0, 0, 2, 1, stroke(0.5, 0.5));
    doc.paint(0, 0, 3, 1, stroke(1.5, 0.5));
    const before = denseLabels(doc.labels!).slice();
    const edit = doc.deleteClass(2);
    expect(doc.classes.map((c) => c.name)).toEqual(['Label 1', 'Label 3']);
    expect([doc.labels!.get(0, 0, 0, 0), doc.labels!.get(0, 0, 0, 1)]).toEqual([0, 2]);
    expect(edits).toHaveLength(4);
    edit.undo();
    expect(denseLabels(doc.labels!)).toEqual(before);
    expect(doc.classes.map((c) => c.name)).toEqual(['Label 1', 'Label 2', 'Label 3']);
    edit.redo();
    expect(doc.classes).toHaveLength(2);
  });

  it('rename, recolour and features are undoable and validated', async () => {
    const { doc, edits } = await open();
    doc.renameClass(1, 'Nuclei');
    doc.recolorClass(2, '#123456');
    expect(doc.classes[0].name).toBe('Nuclei');
    expect(doc.renameClass(1, 'Nuclei')).toBeUndefined();
    edits[1].undo();
    edits[0].undo();
    expect(doc.classes.map((c) => [c.name, c.color])).toEqual([['Label 1', '#ffff00'], ['Label 2', '#0000ff']]);
    const f = JSON.parse(JSON.stringify(doc.features));
    f.selected.GaussianSmoothing = f.selected.GaussianSmoothing.map(() => true);
    doc.setFeatures(f);
    expect(doc.features.selected.GaussianSmoothing.every(Boolean)).toBe(true);
    edits[2].undo();
    expect(doc.features.selected.GaussianSmoothing.every(Boolean)).toBe(false);
    const bad = JSON.parse(JSON.stringify(f));
    bad.selected.LaplacianOfGaussian[0] = true; // σ=0.3 is below LoG's minimum scale
    expect(() => doc.setFeatures(bad)).toThrow(/invalid feature selection/);
  });
});

describe('LabelDocument save, reopen, revert, backup', () => {
  it('save writes <stem>.pixelclass.json beside the image; reopening restores labels', async () => {
    const { doc } = await open();
    doc.paint(0, 1, 2, 3, stroke(4, 3));
    const labels = denseLabels(doc.labels!).slice();
    await doc.save();
    const file = path.join(dir, 'cells.pixelclass.json');
    const project = await readProject(file);
    expect(project.images).toMatchObject([{ path: 'cells.tif', shape: { t: 1, z: 2, c: 1, y: 6, x: 8 }, dtype: 'uint16' }]);
    expect(project.images[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(project.labels['cells.tif'])).toEqual(['t0z1']);
    expect(project.provenance.extensionVersion).toBe('9.9.9');
    const again = await open();
    expect(again.doc.projectFile).toBe(file);
    expect(denseLabels(again.doc.labels!)).toEqual(labels);
    expect(again.doc.relativeProjectFile()).toBe('cells.pixelclass.json');
  });

  it('revert reloads the saved project', async () => {
    const { doc, changes } = await open();
    doc.paint(0, 0, 1, 1, stroke(1, 1));
    await doc.save();
    const saved = denseLabels(doc.labels!).slice();
    doc.paint(0, 0, 2, 5, stroke(4, 4));
    doc.renameClass(1, 'X');
    await doc.revert();
    expect(denseLabels(doc.labels!)).toEqual(saved);
    expect(doc.classes[0].name).toBe('Label 1');
    expect(changes.at(-1)).toEqual({ kind: 'reloaded' });
  });

  it('backup round trip restores unsaved labels and classes (hot exit)', async () => {
    const { doc } = await open();
    doc.paint(0, 1, 1, 5, stroke(3, 3, 6, 4));
    doc.renameClass(2, 'Background');
    const backupFile = path.join(dir, 'backups', 'b1');
    await doc.backup(backupFile);
    const restored = await open('cells.tif', backupFile);
    expect(denseLabels(restored.doc.labels!)).toEqual(denseLabels(doc.labels!));
    expect(restored.doc.classes[1].name).toBe('Background');
    // Nothing was saved to the project itself.
    await expect(fs.stat(path.join(dir, 'cells.pixelclass.json'))).rejects.toThrow();
  });

  it('a backup restored over a project that became malformed never overwrites it', async () => {
    const { doc } = await open();
    doc.paint(0, 0, 1, 1, stroke(1, 1));
    await doc.save();
    doc.paint(0, 0, 2, 1, stroke(3, 3));
    const backupFile = path.join(dir, 'b2');
    await doc.backup(backupFile);
    const file = path.join(dir, 'cells.pixelclass.json');
    await fs.writeFile(file, '{ broken');
    const r = await open('cells.tif', backupFile);
    expect(r.doc.labels!.labelledCount()).toBe(2);
    await expect(r.doc.save()).rejects.toThrow(/Not saved/);
    expect(await fs.readFile(file, 'utf8')).toBe('{ broken');
  });

  it('a corrupt backup is reported and the saved project opens instead', async () => {
    const { doc } = await open();
    doc.paint(0, 0, 1, 1, stroke(1, 1));
    await doc.save();
    const backupFile = path.join(dir, 'bad-backup');
    await fs.writeFile(backupFile, '{"format":"pixel-classifier-backup","version":1,');
    const r = await open('cells.tif', backupFile);
    expect(r.doc.warnings[0]).toMatch(/Could not restore the unsaved state of cells.tif: .*bad-backup: backup is not valid JSON/);
    expect(r.doc.labels!.labelledCount()).toBe(1);
  });

  it('a malformed project is reported with its location and never overwritten', async () => {
    const file = path.join(dir, 'cells.pixelclass.json');
    await fs.writeFile(file, '{\n  "format": "pixel-classifier-project",\n  "version": 1,\n  oops\n}');
    const { doc } = await open();
    expect(doc.warnings[0]).toMatch(/cells.pixelclass.json:4:3.*invalid JSON/);
    doc.paint(0, 0, 1, 1, stroke(1, 1));
    await expect(doc.save()).rejects.toThrow(/Not saved/);
    expect(await fs.readFile(file, 'utf8')).toContain('oops');
  });

  it('save as a .pixelclass.json writes a copy; save as an image name duplicates image and labels', async () => {
    const { doc } = await open();
    doc.paint(0, 0, 1, 3, stroke(2, 2));
    await doc.saveAs(path.join(dir, 'copy.pixelclass.json'));
    expect((await readProject(path.join(dir, 'copy.pixelclass.json'))).images[0].path).toBe('cells.tif');
    await doc.saveAs(path.join(dir, 'cells-v2.tif'));
    expect(await fs.readFile(path.join(dir, 'cells-v2.tif'), 'utf8')).toBe('fake image bytes');
    const p = await readProject(path.join(dir, 'cells-v2.pixelclass.json'));
    expect(p.images.map((i) => i.path)).toEqual(['cells-v2.tif']);
    expect(Object.keys(p.labels)).toEqual(['cells-v2.tif']);
    await expect(fs.stat(path.join(dir, 'cells.pixelclass.json'))).rejects.toThrow(); // own project untouched
    await expect(doc.saveAs(path.join(dir, 'sub', 'elsewhere.pixelclass.json'))).rejects.toThrow(/relative path/);
  });
});

describe('multi-image projects', () => {
  it('offers the projects of the folder and, once adopted, saves both images in one project', async () => {
    const first = await open();
    first.doc.paint(0, 0, 1, 1, stroke(1, 1));
    first.doc.renameClass(1, 'Nuclei');
    await first.doc.save();
    const second = await open('other.tif');
    expect(second.doc.candidates).toEqual([path.join(dir, 'cells.pixelclass.json')]);
    expect(second.doc.projectFile).toBe(path.join(dir, 'other.pixelclass.json'));
    await second.doc.adoptProject(second.doc.candidates[0]);
    expect(second.doc.classes[0].name).toBe('Nuclei');
    second.doc.paint(0, 1, 2, 1, stroke(2, 2));
    await second.doc.save();
    const p = await readProject(path.join(dir, 'cells.pixelclass.json'));
    expect(p.images.map((i) => i.path)).toEqual(['cells.tif', 'other.tif']);
    expect(Object.keys(p.labels).sort()).toEqual(['cells.tif', 'other.tif']);
    // Reopening other.tif finds the project that lists it.
    const third = await open('other.tif');
    expect(third.doc.projectFile).toBe(path.join(dir, 'cells.pixelclass.json'));
    expect(third.doc.labels!.labelledCount()).toBe(1);
    // Deleting a class also removes it from the other image's stored labels, undoably.
    const edit = third.doc.deleteClass(1);
    expect(third.doc.project.labels['cells.tif']).toBeUndefined();
    edit.undo();
    expect(Object.keys(third.doc.project.labels['cells.tif'])).toEqual(['t0z0']);
  });
});
