import { denseLabels } from '../../extension/core/labels/labelVolume';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LabelDocument, type DocumentChange, type DocumentEdit } from '../../extension/editor/labelDocument';
import { MemoryLogger } from '../../extension/editor/logger';
import { readProject } from '../../extension/project/projectFile';
import { stringifyProject } from '../../extension/project/stringifyProject';
import { ProjectSessions } from '../../extension/project/projectSessions';
import { createProject } from '../../extension/project/projectSchema';
import { selectionDefaultLight } from '../../extension/core/features/featureSet';
import { mergeSavedLabelsInto } from '../../extension/core/labels/mergeSavedLabels';
import { LabelVolume } from '../../extension/core/labels/labelVolume';
import { encodeLabels } from '../../extension/core/labels/labelRle';
import { fakeImage, fakeOpener, fakeUri } from './fakes';

let dir: string;
const shape = { t: 1, z: 1, c: 1, y: 20, x: 16 };
let listeners: Set<() => void>;
let sessions: ProjectSessions;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pc-shared-'));
  await fs.writeFile(path.join(dir, 'img2.tif'), 'image two');
  await fs.writeFile(path.join(dir, 'img3.tif'), 'image three');
  listeners = new Set();
  sessions = new ProjectSessions({
    watch: (_file, onEvent) => {
      listeners.add(onEvent);
      return { dispose: () => listeners.delete(onEvent) };
    },
    extensionVersion: '1.0.0',
    newProject: () => createProject(selectionDefaultLight(), '1.0.0'),
    debounceMs: 10,
  });
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function open(name: string, backup?: string) {
  const file = path.join(dir, name);
  const doc = await LabelDocument.open(fakeUri(file), { openImage: fakeOpener({ [file]: fakeImage(shape, file) }), logger: new MemoryLogger(), sessions }, backup);
  const edits: DocumentEdit[] = [];
  const changes: DocumentChange[] = [];
  doc.onDidEdit((e) => edits.push(e));
  doc.onDidChange((c) => changes.push(c));
  return { doc, edits, changes };
}

const stroke = (...xy: number[]) => new Float32Array(xy);
const projectFile = () => path.join(dir, 'img2.pixelclass.json');

/** img2 saved with one stroke, img3 added to its project (the editor's "add this image to project?" offer). */
async function twoImagesOfOneProject() {
  const a = await open('img2.tif');
  a.doc.paint(0, 0, 1, 1, stroke(1, 1));
  await a.doc.save();
  const b = await open('img3.tif');
  await b.doc.adoptProject(b.doc.candidates[0]);
  expect(b.doc.session).toBe(a.doc.session);
  return { a, b };
}

async function fireWatcher(): Promise<void> {
  for (const l of listeners) l();
  await new Promise((r) => setTimeout(r, 30));
}

describe('one shared project for two open images (issue #12)', () => {
  for (const order of ['img3 then img2', 'img2 then img3']) {
    it(`painting both and saving ${order} keeps every stroke of both images`, async () => {
      const { a, b } = await twoImagesOfOneProject();
      a.doc.paint(0, 0, 2, 3, stroke(5, 5, 9, 5));
      b.doc.paint(0, 0, 1, 3, stroke(3, 10, 8, 12));
      const aLabels = denseLabels(a.doc.labels!).slice();
      const bLabels = denseLabels(b.doc.labels!).slice();
      const [first, second] = order.startsWith('img3') ? [b.doc, a.doc] : [a.doc, b.doc];
      await first.save();
      expect(second.isDirty).toBe(true); // the other document keeps its unsaved edits
      await second.save();
      const p = await readProject(projectFile());
      expect(p.images.map((i) => i.path).sort()).toEqual(['img2.tif', 'img3.tif']);
      const again2 = await LabelDocument.open(fakeUri(path.join(dir, 'img2.tif')), { openImage: fakeOpener({ [path.join(dir, 'img2.tif')]: fakeImage(shape, 'x') }), logger: new MemoryLogger() });
      expect(denseLabels(again2.labels!)).toEqual(aLabels);
      const again3 = await LabelDocument.open(fakeUri(path.join(dir, 'img3.tif')), { openImage: fakeOpener({ [path.join(dir, 'img3.tif')]: fakeImage(shape, 'y') }), logger: new MemoryLogger() });
      expect(again3.projectFile).toBe(projectFile());
      expect(denseLabels(again3.labels!)).toEqual(bLabels);
    });
  }

  it('a class added in one editor shows in the other, and undo in the first removes it in both', async () => {
    const { a, b } = await twoImagesOfOneProject();
    const edit = a.doc.addClass();
    expect(b.doc.classes.map((c) => c.name)).toEqual(['Label 1', 'Label 2', 'Label 3']);
    expect(b.changes.some((c) => c.kind === 'classes')).toBe(true);
    expect(b.edits).toHaveLength(0); // the edit belongs to the document where it was made
    edit.undo();
    expect(b.doc.classes).toHaveLength(2);
    edit.redo();
    b.doc.renameClass(3, 'Membrane');
    expect(a.doc.classes[2].name).toBe('Membrane');
  });

  it("deleting a class renumbers the other open image's unsaved labels too, undoably", async () => {
    const { a, b } = await twoImagesOfOneProject();
    a.doc.addClass();
    b.doc.paint(0, 0, 3, 1, stroke(2, 2));
    b.doc.paint(0, 0, 2, 1, stroke(4, 4));
    const before = denseLabels(b.doc.labels!).slice();
    const edit = a.doc.deleteClass(2);
    expect([b.doc.labels!.get(0, 0, 2, 2), b.doc.labels!.get(0, 0, 4, 4)]).toEqual([2, 0]);
    expect(b.changes.some((c) => c.kind === 'labels')).toBe(true);
    edit.undo();
    expect(denseLabels(b.doc.labels!)).toEqual(before);
  });

  it('an external rewrite while a stroke is unsaved: the editor shows both, the save keeps both, the user is told', async () => {
    const { a } = await twoImagesOfOneProject();
    a.doc.paint(0, 0, 2, 1, stroke(10, 15)); // unsaved
    const p = await readProject(projectFile());
    const rows = Array.from({ length: 12 }, (_, i) => `${i + 3}: 12+2=1`);
    p.labels['img2.tif'].t0z0 = ['1: 1+1=1', ...rows, 'end'];
    await fs.writeFile(projectFile(), stringifyProject(p));
    await fireWatcher();
    await a.doc.session!.idle();
    expect(a.doc.labels!.get(0, 0, 5, 12)).toBe(1); // a teammate's row
    expect(a.doc.labels!.get(0, 0, 15, 10)).toBe(2); // my stroke
    expect(a.changes.some((c) => c.kind === 'notice' && /merged with your unsaved changes/.test(c.message))).toBe(true);
    await a.doc.save();
    const saved = (await readProject(projectFile())).labels['img2.tif'].t0z0;
    for (const r of rows) expect(saved).toContain(r);
    expect(saved).toContain('15: 10+1=2');
  });

  it('a clean editor reloads an external change and says so', async () => {
    const { a, b } = await twoImagesOfOneProject();
    const p = await readProject(projectFile());
    p.classes[0].name = 'From git';
    p.labels['img2.tif'].t0z0 = ['1: 1+1=1', '9: 0+4=2', 'end'];
    await fs.writeFile(projectFile(), stringifyProject(p));
    await fireWatcher();
    await a.doc.session!.idle();
    expect(a.doc.labels!.get(0, 0, 9, 3)).toBe(2);
    expect(b.doc.classes[0].name).toBe('From git');
    expect(a.changes.some((c) => c.kind === 'notice' && c.message === 'img2.pixelclass.json was reloaded from disk.')).toBe(true);
    expect(a.changes.some((c) => c.kind === 'reloaded')).toBe(true);
  });

  for (const otherOpen of [true, false]) it(`a hot-exit backup restores unsaved labels and merges what changed on disk since (other image ${otherOpen ? 'open' : 'closed'})`, async () => {
    const { a, b } = await twoImagesOfOneProject();
    if (!otherOpen) b.doc.dispose();
    a.doc.paint(0, 0, 2, 1, stroke(6, 6));
    const backup = path.join(dir, 'backup-1');
    await a.doc.backup(backup);
    const expected = denseLabels(a.doc.labels!).slice();
    a.doc.dispose();
    const p = await readProject(projectFile());
    p.labels['img2.tif'].t0z0 = ['1: 1+1=1', '17: 0+3=1', 'end'];
    await fs.writeFile(projectFile(), stringifyProject(p));
    const r = await open('img2.tif', backup);
    expect(r.doc.isDirty).toBe(true);
    expect(r.doc.labels!.get(0, 0, 6, 6)).toBe(2);
    expect(r.doc.labels!.get(0, 0, 17, 2)).toBe(1);
    expected[17 * shape.x] = 1; expected[17 * shape.x + 1] = 1; expected[17 * shape.x + 2] = 1;
    expect(denseLabels(r.doc.labels!)).toEqual(expected);
  });

  it('revert discards only this document\'s edits', async () => {
    const { a, b } = await twoImagesOfOneProject();
    a.doc.paint(0, 0, 2, 1, stroke(6, 6));
    b.doc.paint(0, 0, 2, 1, stroke(7, 7));
    await a.doc.revert();
    expect(a.doc.labels!.get(0, 0, 6, 6)).toBe(0);
    expect(a.doc.labels!.get(0, 0, 1, 1)).toBe(1);
    expect(b.doc.labels!.get(0, 0, 7, 7)).toBe(2);
  });
});

describe('mergeSavedLabelsInto', () => {
  it('takes saved changes on pixels the user did not touch and counts the ones it keeps', () => {
    const live = new LabelVolume({ t: 1, z: 1, y: 2, x: 6 });
    const previous = new LabelVolume({ t: 1, z: 1, y: 2, x: 6 });
    previous.data.set([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    live.data.set([1, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // user changed pixels 1 and 2
    const next = new LabelVolume({ t: 1, z: 1, y: 2, x: 6 });
    next.data.set([0, 1, 1, 0, 0, 0, 0, 0, 0, 2, 2, 0]); // disk: erased 0, class 1 at 2, row 1 new
    const { changed, conflicts } = mergeSavedLabelsInto(live, encodeLabels(previous), encodeLabels(next));
    expect(Array.from(live.data)).toEqual([0, 2, 2, 0, 0, 0, 0, 0, 0, 2, 2, 0]);
    expect(changed).toBe(3);
    expect(conflicts).toBe(1); // pixel 2: user 2, disk 1 → the user's value kept, counted
  });
});

describe('a project file that cannot be read', () => {
  it('opens the image with a warning naming it and refuses to save over it', async () => {
    await fs.mkdir(path.join(dir, 'img2.pixelclass.json')); // a folder where the project file should be: EISDIR
    const { doc } = await open('img2.tif');
    expect(doc.image).toBeDefined();
    expect(doc.warnings.join(' ')).toMatch(/img2\.pixelclass\.json: cannot read the project: EISDIR/);
    doc.paint(0, 0, 1, 1, stroke(1, 1));
    await expect(doc.save()).rejects.toThrow(/Not saved/);
  });
});
