import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  LABEL_BLOCK, LabelVolume, SparseLabelVolume, assignLabels, createLabelStore, denseLabels, sameLabels,
} from '../../extension/core/labels/labelVolume';
import { applyEdit, createEdit, deleteClassEdit, editPatches, revertEdit } from '../../extension/core/labels/labelEdit';
import { decodeLabels, encodeLabels } from '../../extension/core/labels/labelRle';
import { labelledBoxes } from '../../extension/core/labels/trainingSamples';
import { mergeSavedLabelsInto as mergeSavedLabels } from '../../extension/core/labels/mergeSavedLabels';
import { labelTile } from '../../extension/core/labels/labelTile';
import { LabelDocument, type DocumentEdit } from '../../extension/editor/labelDocument';
import { MemoryLogger } from '../../extension/editor/logger';
import { readProject } from '../../extension/project/projectFile';
import { fakeImage, fakeOpener, fakeUri } from '../editor/fakes';

function random(seed: number): () => number {
  let s = seed;
  return () => { s = (s * 1103515245 + 12345) >>> 0; return s / 2 ** 32; };
}

const shape = { t: 2, z: 3, y: 150, x: 200 };

/** The same random strokes on a dense and a sparse store. */
function twins(seed: number) {
  const dense = new LabelVolume(shape);
  const sparse = new SparseLabelVolume(shape);
  const rnd = random(seed);
  const edits = [];
  for (let k = 0; k < 20; k++) {
    const t = Math.floor(rnd() * 2), z = Math.floor(rnd() * 3), r0 = Math.floor(rnd() * 140), c0 = Math.floor(rnd() * 190);
    const indices: number[] = [];
    for (let r = r0; r < r0 + 8; r++) for (let c = c0; c < c0 + 9; c++) indices.push(dense.index(t, z, r, c));
    const cls = 1 + Math.floor(rnd() * 3);
    const a = createEdit(dense, indices, cls, 'paint');
    const b = createEdit(sparse, indices, cls, 'paint');
    expect(b).toEqual(a);
    if (a) { applyEdit(dense, a); applyEdit(sparse, b!); edits.push(b!); }
  }
  return { dense, sparse, edits };
}

describe('SparseLabelVolume (issue #13: labels proportional to the labelled area)', () => {
  it('allocates one block on first write and nothing for zeros', () => {
    const v = new SparseLabelVolume({ t: 1, z: 1, y: 100_000, x: 100_000 });
    expect(v.byteSize).toBe(0);
    v.setAt(v.index(0, 0, 0, 0), 0);
    expect(v.byteSize).toBe(0);
    v.setAt(v.index(0, 0, 99_999, 99_999), 3);
    v.changed();
    expect(v.byteSize).toBe(LABEL_BLOCK * LABEL_BLOCK);
    expect(v.get(0, 0, 99_999, 99_999)).toBe(3);
    expect(v.labelledCount()).toBe(1);
    expect(v.counts(2)).toEqual([1e10 - 1, 0, 0, 1]);
    expect(v.maxClass()).toBe(3);
    expect(() => v.plane(0, 0)).toThrow(/too large/);
  });

  it('behaves exactly like the dense store under random edits, undo and redo', () => {
    const { dense, sparse, edits } = twins(7);
    expect(denseLabels(sparse)).toEqual(dense.data);
    expect(sparse.counts(3)).toEqual(dense.counts(3));
    expect(sparse.labelledCount()).toBe(dense.labelledCount());
    expect(sameLabels(sparse, dense)).toBe(true);
    for (let t = 0; t < 2; t++) for (let z = 0; z < 3; z++) {
      expect(sparse.plane(t, z)).toEqual(dense.plane(t, z));
      expect(labelTile(sparse, t, z, { x: 0, y: 0, width: 200, height: 150 }, 4, 50, 38)).toEqual(labelTile(dense, t, z, { x: 0, y: 0, width: 200, height: 150 }, 4, 50, 38));
    }
    expect(labelledBoxes(sparse, { tileSize: 64, halo: 5 })).toEqual(labelledBoxes(dense, { tileSize: 64, halo: 5 }));
    // undo ∘ redo = identity, undo all = empty
    const before = denseLabels(sparse).slice();
    for (const e of [...edits].reverse()) revertEdit(sparse, e);
    expect(sparse.labelledCount()).toBe(0);
    for (const e of edits) applyEdit(sparse, e);
    expect(denseLabels(sparse)).toEqual(before);
    expect(editPatches(sparse, edits[0])).toEqual(editPatches(dense, edits[0]));
    const del = deleteClassEdit(sparse, 2)!;
    expect(del).toEqual(deleteClassEdit(dense, 2));
  });

  it('round-trips through the project encoding, sparse and dense alike', () => {
    const { dense, sparse } = twins(11);
    const encoded = encodeLabels(sparse);
    expect(encoded).toEqual(encodeLabels(dense));
    const back = decodeLabels(encoded, shape, 0);
    expect(back).toBeInstanceOf(SparseLabelVolume);
    expect(sameLabels(back, dense)).toBe(true);
    expect(decodeLabels(encoded, shape)).toBeInstanceOf(LabelVolume);
    const clone = sparse.clone();
    assignLabels(sparse, createLabelStore(shape, 0));
    expect(sparse.labelledCount()).toBe(0);
    assignLabels(sparse, clone);
    expect(sameLabels(sparse, dense)).toBe(true);
  });

  it('merges saved rows into unsaved labels as the dense store does', () => {
    const { dense, sparse } = twins(5);
    const previous = encodeLabels(dense);
    const next = encodeLabels(twins(6).dense);
    const a = mergeSavedLabels(dense, previous, next);
    const b = mergeSavedLabels(sparse, previous, next);
    expect(b).toEqual(a);
    expect(sameLabels(sparse, dense)).toBe(true);
  });
});

describe('a document with sparse labels', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pc-sparse-'));
    await fs.writeFile(path.join(dir, 'big.tif'), 'fake image bytes');
  });
  afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  it('paints, undoes, saves and reopens: the labels are the same', async () => {
    const file = path.join(dir, 'big.tif');
    const img = { t: 1, z: 1, c: 1, y: 300, x: 400 };
    const deps = { openImage: fakeOpener({ [file]: fakeImage(img, file) }), logger: new MemoryLogger(), extensionVersion: '9.9.9', denseLabelVoxels: 0 };
    const doc = await LabelDocument.open(fakeUri(file), deps);
    expect(doc.labels).toBeInstanceOf(SparseLabelVolume);
    const edits: DocumentEdit[] = [];
    doc.onDidEdit((e) => edits.push(e));
    doc.paint(0, 0, 1, 5, new Float32Array([10.5, 10.5, 300.5, 250.5]));
    doc.paint(0, 0, 2, 3, new Float32Array([390.5, 5.5]));
    const painted = denseLabels(doc.labels!).slice();
    expect((doc.labels as SparseLabelVolume).byteSize).toBeLessThan(img.x * img.y);
    edits[1].undo();
    edits[1].redo();
    expect(denseLabels(doc.labels!)).toEqual(painted);
    await doc.save();
    const project = await readProject(path.join(dir, 'big.pixelclass.json'));
    expect(Object.keys(project.labels['big.tif'])).toEqual(['t0z0']);
    const again = await LabelDocument.open(fakeUri(file), { ...deps, sessions: undefined });
    expect(denseLabels(again.labels!)).toEqual(painted);
  });
});
