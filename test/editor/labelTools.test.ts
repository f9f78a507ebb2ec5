import { describe, expect, it } from 'vitest';
import { LabelDocument, type DocumentEdit } from '../../extension/editor/labelDocument';
import { DocumentController, FILL_CONFIRM_PIXELS } from '../../extension/editor/documentController';
import { EditorRegistry, WebviewChannel } from '../../extension/editor/editorRegistry';
import { MemoryLogger } from '../../extension/editor/logger';
import { FakeWebview, fakeImage, fakeOpener, fakeUri } from './fakes';

const settings = () => ({ liveUpdate: false, readOnly: false, tileSize: 256 });
const shape = { t: 1, z: 3, c: 1, y: 6, x: 8 };

async function setup(confirm = async () => true) {
  const file = '/data/tools.tif';
  const logger = new MemoryLogger();
  const doc = await LabelDocument.open(fakeUri(file), { openImage: fakeOpener({ [file]: fakeImage(shape, file) }), logger });
  const registry = new EditorRegistry<LabelDocument>();
  const asked: string[] = [];
  const controller = new DocumentController(doc, registry, { logger, settings, confirm: async (m) => { asked.push(m); return confirm(); } });
  const channel = new WebviewChannel(new FakeWebview(), 'test');
  registry.add(doc, channel);
  const edits: DocumentEdit[] = [];
  doc.onDidEdit((e) => edits.push(e));
  let id = 1;
  const send = (body: Record<string, unknown>) => controller.handle(channel, { messageId: id++, body });
  return { doc, send, edits, asked, logger };
}

const f32 = (...xy: number[]) => new Float32Array(xy).buffer;
const row = (doc: LabelDocument, z: number, r: number) => Array.from(doc.labels!.plane(0, z).subarray(r * 8, r * 8 + 8)).join('');

describe('labelling tools through the controller (issue #16)', () => {
  it('fill, undo and preserve labels', async () => {
    const { doc, send, edits } = await setup();
    await send({ type: 'labels/paint', t: 0, z: 0, classId: 2, brushSize: 1, points: f32(3.5, 0.5, 3.5, 5.5) }); // a vertical wall at column 3
    await send({ type: 'labels/tool', tool: 'fill', t: 0, z: 0, classId: 1, preserveLabels: false, column: 0, row: 0 });
    expect([row(doc, 0, 0), row(doc, 0, 5)]).toEqual(['11120000', '11120000']);
    expect(edits.map((e) => e.label)).toEqual(['Paint Label 2', 'Fill Label 1']);
    edits[1].undo();
    expect(row(doc, 0, 0)).toBe('00020000');
    // Preserve labels: a polygon over the wall keeps it.
    await send({ type: 'labels/tool', tool: 'polygon', t: 0, z: 0, classId: 1, preserveLabels: true, points: f32(2, 1, 6, 1, 6, 3, 2, 3) });
    expect([row(doc, 0, 1), row(doc, 0, 2), row(doc, 0, 3)]).toEqual(['00121110', '00121110', '00121110']);
  });

  it('a fill above the limit asks first; declined, nothing changes', async () => {
    const { doc, send, asked } = await setup(async () => false);
    const result = doc.tools.fill(0, 1, 0, 0, 1, false, 10);
    expect(result.tooLarge).toEqual({ count: 11, touchesBorder: true });
    expect(doc.labels!.labelledCount()).toBe(0);
    expect(FILL_CONFIRM_PIXELS).toBe(1_000_000);
    await send({ type: 'labels/tool', tool: 'fill', t: 0, z: 1, classId: 1, preserveLabels: false, column: 0, row: 0 });
    expect(asked).toEqual([]); // 48 pixels: below the limit, no question
    expect(doc.labels!.labelledCount()).toBe(48);
  });

  it('wand, superpixels and slice copy each make one edit', async () => {
    const { doc, send, edits } = await setup();
    // The fake image's values grow by 1 per pixel: a tolerance of 2 around column 4 of row 2 takes 5 pixels of that row.
    await send({ type: 'labels/tool', tool: 'wand', t: 0, z: 0, classId: 1, preserveLabels: false, column: 4, row: 2, tolerance: 2, c: 0, box: { column: 0, row: 0, width: 8, height: 6 } });
    expect(row(doc, 0, 2)).toBe('00111110');
    await send({ type: 'labels/tool', tool: 'superpixel', t: 0, z: 1, classId: 2, preserveLabels: false, c: 0, brushSize: 1, points: f32(0.5, 0.5) });
    expect(doc.labels!.plane(0, 1).filter((v) => v === 2).length).toBeGreaterThan(1);
    await send({ type: 'labels/copySlice', t: 0, fromZ: 0, toZ: 1, preserveLabels: false });
    expect(row(doc, 1, 2)).toBe(row(doc, 0, 2).replace(/0/g, '2'));
    expect(edits.map((e) => e.label)).toEqual(['Wand Label 1', 'Superpixels Label 2', 'Copy labels from slice 1 to 2']);
  });

  it('rejects malformed tool messages', async () => {
    const { send, logger, doc } = await setup();
    await send({ type: 'labels/tool', tool: 'lasso-of-doom', t: 0, z: 0, classId: 1, preserveLabels: false });
    await send({ type: 'labels/tool', tool: 'wand', t: 0, z: 0, classId: 1, preserveLabels: false, column: 9, row: 0, tolerance: 1, c: 0, box: { column: 0, row: 0, width: 8, height: 6 } });
    await send({ type: 'labels/copySlice', t: 0, fromZ: 0, toZ: 2, preserveLabels: false });
    await send({ type: 'labels/tool', tool: 'polygon', t: 0, z: 0, classId: 1, preserveLabels: 'yes', points: f32(0, 0) });
    const rejected = logger.lines.filter((l) => l.includes('Rejected message'));
    expect(rejected).toHaveLength(4);
    expect(rejected[0]).toMatch(/unknown tool/);
    expect(rejected[2]).toMatch(/next or previous slice/);
    expect(doc.labels!.labelledCount()).toBe(0);
  });
});

describe('Import Labels from Image (document edit)', () => {
  it('maps values to classes, creates missing classes, and undoes both in one step', async () => {
    const { doc, edits } = await setup();
    const mask = new Uint8Array(48);
    mask[0] = 1; mask[1] = 3; mask[47] = 3;
    const edit = (await doc.tools.importMask(async (_t, z) => (z === 2 ? mask : new Uint8Array(48)), new Map([[1, 1], [3, 3]]), 'mask.tif'))!;
    expect(edits.map((e) => e.label)).toEqual(['Import labels from mask.tif']);
    expect(doc.classes.map((c) => c.name)).toEqual(['Label 1', 'Label 2', 'Label 3']);
    expect([doc.labels!.get(0, 2, 0, 0), doc.labels!.get(0, 2, 0, 1), doc.labels!.get(0, 2, 5, 7)]).toEqual([1, 3, 3]);
    edit.undo();
    expect(doc.classes).toHaveLength(2);
    expect(doc.labels!.labelledCount()).toBe(0);
    edit.redo();
    expect(doc.labels!.labelledCount()).toBe(3);
  });
});

describe('pixel size (issue #15)', () => {
  it('is set as one undoable edit, saved in the image entry, restored on reopen, and validated', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pc-px-'));
    const file = path.join(dir, 'px.tif');
    await writeFile(file, 'bytes');
    const logger = new MemoryLogger();
    const open = () => LabelDocument.open(fakeUri(file), { openImage: fakeOpener({ [file]: fakeImage(shape, file) }), logger });
    const doc = await open();
    expect(doc.pixelSize()).toBeUndefined(); // the fake file states none
    const registry = new EditorRegistry<LabelDocument>();
    const controller = new DocumentController(doc, registry, { logger, settings, confirm: async () => true });
    const webview = new FakeWebview();
    const channel = new WebviewChannel(webview, 'px');
    registry.add(doc, channel);
    await controller.handle(channel, { messageId: 1, body: { type: 'image/setPixelSize', pixelSize: { x: 0.325, y: 0.325, z: 2, unit: 'µm' } } });
    expect(doc.pixelSize()).toEqual({ x: 0.325, y: 0.325, z: 2, unit: 'µm', source: 'project' });
    expect(webview.bodies('image/pixelSize')).toEqual([{ type: 'image/pixelSize', pixelSize: { x: 0.325, y: 0.325, z: 2, unit: 'µm', source: 'project' } }]);
    await controller.handle(channel, { messageId: 2, body: { type: 'image/setPixelSize', pixelSize: { x: -1, y: 1, unit: 'µm' } } });
    expect(logger.lines.at(-1)).toMatch(/Rejected message.*pixelSize.x must be a positive number/);
    doc.paint(0, 0, 1, 1, new Float32Array([1, 1]));
    await doc.save();
    doc.dispose();
    const again = await open();
    expect(again.pixelSize()).toMatchObject({ x: 0.325, z: 2, source: 'project' });
    expect(again.descriptor()?.pixelSize).toMatchObject({ unit: 'µm' });
    const edit = again.setPixelSize(undefined)!;
    expect(again.pixelSize()).toBeUndefined();
    edit.undo();
    expect(again.pixelSize()).toMatchObject({ x: 0.325 });
    again.dispose();
    await rm(dir, { recursive: true, force: true });
  });
});
