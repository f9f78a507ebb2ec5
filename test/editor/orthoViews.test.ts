import { denseLabels } from '../../extension/core/labels/labelVolume';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LabelDocument, type DocumentEdit } from '../../extension/editor/labelDocument';
import { MemoryLogger } from '../../extension/editor/logger';
import { labelSlice } from '../../extension/core/labels/tools/toolEdits';
import { fakeImage, fakeOpener, fakeUri } from './fakes';

let dir: string;
const shape = { t: 1, z: 4, c: 1, y: 6, x: 8 };

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pc-ortho-'));
  await fs.writeFile(path.join(dir, 'stack.tif'), 'fake image bytes');
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function open() {
  const file = path.join(dir, 'stack.tif');
  const doc = await LabelDocument.open(fakeUri(file), { openImage: fakeOpener({ [file]: fakeImage(shape, file) }), logger: new MemoryLogger(), extensionVersion: '9.9.9' });
  const edits: DocumentEdit[] = [];
  doc.onDidEdit((e) => edits.push(e));
  return { doc, edits };
}

/** Voxels (z, y, x) with a non-zero label. */
function labelled(doc: LabelDocument): string[] {
  const out: string[] = [];
  const d = denseLabels(doc.labels!);
  for (let i = 0; i < d.length; i++) {
    if (!d[i]) continue;
    const x = i % shape.x, y = Math.floor(i / shape.x) % shape.y, z = Math.floor(i / (shape.x * shape.y));
    out.push(`${z},${y},${x}=${d[i]}`);
  }
  return out;
}

describe('painting in the xz and yz views (issue #15)', () => {
  it('a one-pixel stroke in xz writes voxel (z=row, y=slice, x=column); one undo removes it', async () => {
    const { doc, edits } = await open();
    doc.paint(0, 2, 1, 1, new Float32Array([5.5, 3.5]), false, 'xz');
    expect(labelled(doc)).toEqual(['3,2,5=1']);
    expect(edits).toHaveLength(1);
    edits[0].undo();
    expect(labelled(doc)).toEqual([]);
    edits[0].redo();
    expect(labelled(doc)).toEqual(['3,2,5=1']);
  });

  it('a stroke in yz writes voxel (z=column, y=row, x=slice) and shows in the xy plane of that z', async () => {
    const { doc } = await open();
    doc.paint(0, 7, 2, 1, new Float32Array([1.5, 4.5, 2.5, 4.5]), false, 'yz');
    expect(labelled(doc)).toEqual(['1,4,7=2', '2,4,7=2']);
    const xy = labelSlice(doc.labels!, { orientation: 'xy', t: 0, index: 2 });
    expect(xy[4 * shape.x + 7]).toBe(2);
    const yz = labelSlice(doc.labels!, { orientation: 'yz', t: 0, index: 7 });
    expect(yz[4 * shape.z + 1]).toBe(2);
  });

  it('fill and polygon work on the plane of the view', async () => {
    const { doc } = await open();
    // xz plane at y = 1 is 8 wide × 4 high: fill it all with class 1
    doc.tools.fill(0, 1, 0, 0, 1, false, Infinity, 'xz');
    expect(labelled(doc)).toHaveLength(shape.z * shape.x);
    expect(labelled(doc).every((v) => v.split(',')[1] === '1')).toBe(true);
    // a polygon in yz (x = 0) covering columns 0..1 (z), rows 0..1 (y)
    doc.tools.polygon(0, 0, 2, new Float32Array([0, 0, 2, 0, 2, 2, 0, 2]), false, 'yz');
    const yz = labelSlice(doc.labels!, { orientation: 'yz', t: 0, index: 0 });
    expect([yz[0], yz[1], yz[shape.z], yz[shape.z + 1]]).toEqual([2, 2, 2, 2]);
  });

  it('copies the labels of the previous xz slice (row y) into the current one; one undo removes them', async () => {
    const { doc, edits } = await open();
    doc.paint(0, 2, 1, 1, new Float32Array([5.5, 3.5]), false, 'xz');
    doc.tools.copySlice(0, 2, 3, false, 'xz');
    expect(labelled(doc)).toEqual(['3,2,5=1', '3,3,5=1']);
    edits[edits.length - 1].undo();
    expect(labelled(doc)).toEqual(['3,2,5=1']);
  });

  it('reads display planes of every view with the right size and values', async () => {
    const { doc } = await open();
    const xy = await doc.readDisplayPlane(0, 2, 0);
    const xz = await doc.readDisplayPlane(0, 3, 0, 'xz');
    const yz = await doc.readDisplayPlane(0, 5, 0, 'yz');
    expect(xz.data.length).toBe(shape.z * shape.x);
    expect(yz.data.length).toBe(shape.y * shape.z);
    // voxel (z=2, y=3, x=5) in each
    expect(xz.data[2 * shape.x + 5]).toBe(xy.data[3 * shape.x + 5]);
    expect(yz.data[3 * shape.z + 2]).toBe(xy.data[3 * shape.x + 5]);
  });
});
