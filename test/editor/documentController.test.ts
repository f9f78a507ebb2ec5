import { describe, expect, it } from 'vitest';
import { LabelDocument } from '../../extension/editor/labelDocument';
import { DocumentController } from '../../extension/editor/documentController';
import { EditorRegistry, WebviewChannel } from '../../extension/editor/editorRegistry';
import { MemoryLogger } from '../../extension/editor/logger';
import { FakeWebview, fakeImage, fakeOpener, fakeUri } from './fakes';

const settings = () => ({ liveUpdate: true, readOnly: false, tileSize: 256 });

async function setup(path = '/data/cells.tif') {
  const image = fakeImage({ t: 1, z: 2, c: 2, y: 4, x: 5 });
  const logger = new MemoryLogger();
  const doc = await LabelDocument.open(fakeUri(path), { openImage: fakeOpener({ '/data/cells.tif': image }), logger });
  const registry = new EditorRegistry<LabelDocument>();
  const controller = new DocumentController(doc, registry, { logger, settings, confirm: async () => true });
  const webview = new FakeWebview();
  const channel = new WebviewChannel(webview, 'test');
  registry.add(doc, channel);
  return { image, logger, doc, controller, webview, channel, registry };
}

describe('DocumentController (viewer)', () => {
  it('answers ready with init describing the image', async () => {
    const { controller, webview, channel } = await setup();
    await controller.handle(channel, { messageId: 1, body: { type: 'ready' } });
    const [init] = webview.bodies('init');
    expect(init).toMatchObject({
      type: 'init',
      image: { fileName: 'cells.tif', shape: { t: 1, z: 2, c: 2, y: 4, x: 5 }, dtype: 'uint16', channelNames: ['Channel 0', 'Channel 1'] },
      classes: [{ id: 1, name: 'Label 1' }, { id: 2, name: 'Label 2' }],
      settings: { liveUpdate: true, readOnly: false, tileSize: 256 },
    });
  });

  it('answers a plane request with the exact samples, stats and inReplyTo', async () => {
    const { controller, webview, channel, image } = await setup();
    await controller.handle(channel, { messageId: 7, body: { type: 'image/requestPlane', t: 0, z: 1, c: 1 } });
    const reply = webview.posted.find((e) => e.body.type === 'image/plane')!;
    expect(reply.inReplyTo).toBe(7);
    if (reply.body.type !== 'image/plane') throw new Error();
    expect(reply.body).toMatchObject({ t: 0, z: 1, c: 1, width: 5, height: 4, dtype: 'uint16' });
    const data = new Uint16Array(reply.body.data);
    expect(Array.from(data)).toEqual(Array.from({ length: 20 }, (_, i) => 110 + i));
    expect(reply.body.stats).toEqual({ min: 110, max: 129, low: 110, high: 129 });
    // A second request is served from the cache.
    await controller.handle(channel, { messageId: 8, body: { type: 'image/requestPlane', t: 0, z: 1, c: 1 } });
    expect(image.reads).toEqual(['0/1/1']);
  });

  it('rejects invalid messages with a log line and sends nothing', async () => {
    const { controller, webview, channel, logger } = await setup();
    await controller.handle(channel, { messageId: 1, body: { type: 'image/requestPlane', t: 0, z: 5, c: 0 } });
    await controller.handle(channel, 'garbage');
    expect(webview.posted).toHaveLength(0);
    expect(logger.lines.filter((l) => l.startsWith('[warn] Rejected message'))).toHaveLength(2);
    expect(logger.lines[logger.lines.length - 2]).toMatch(/z=5 is outside 0..1/);
  });

  it('reports an unreadable image as a fatal error naming the file, and logs it', async () => {
    const { controller, webview, channel, logger, doc } = await setup('/data/broken.tif');
    expect(doc.imageError).toBe('broken.tif: not a TIFF file (bad magic bytes)');
    await controller.handle(channel, { messageId: 1, body: { type: 'ready' } });
    expect(webview.bodies()).toEqual([{ type: 'error/show', message: 'broken.tif: not a TIFF file (bad magic bytes)', fatal: true }]);
    expect(logger.lines.some((l) => l.startsWith('[error] Cannot open /data/broken.tif'))).toBe(true);
  });

  it('answers features/preview with the feature of the asked box, for a newer request only', async () => {
    const { controller, webview, channel } = await setup();
    const ask = (requestId: number) => controller.handle(channel, { messageId: 10 + requestId, body: {
      type: 'features/preview', requestId, featureId: 'GaussianSmoothing', sigma: 0.7, in2D: true, t: 0, z: 1, c: 1, box: { column: 1, row: 1, width: 3, height: 2 },
    } });
    await ask(1);
    const [reply] = webview.posted.filter((e) => e.body.type === 'features/previewImage');
    expect(reply.inReplyTo).toBe(11);
    if (reply.body.type !== 'features/previewImage') throw new Error();
    expect(reply.body).toMatchObject({ requestId: 1, t: 0, z: 1, box: { column: 1, row: 1, width: 3, height: 2 }, name: 'Gaussian Smoothing (σ=0.7) in 2D of channel 1' });
    const values = Array.from(new Float32Array(reply.body.data));
    expect(values).toHaveLength(6);
    // Smoothing the plane of z=1, c=1 (values 110 + i): the mean stays in its range and rises along the rows.
    expect(values.every((v) => v > 110 && v < 130)).toBe(true);
    expect(values[3]).toBeGreaterThan(values[0]);
    expect(reply.body.min).toBeLessThan(reply.body.max);
    // Two requests at once: the first is cancelled by the second, which alone is answered.
    const before = webview.posted.length;
    await Promise.all([ask(2), ask(3)]);
    expect(webview.posted.slice(before).map((e) => (e.body as { requestId?: number }).requestId)).toEqual([3]);
  });

  it('forwards webview log lines to the output channel', async () => {
    const { controller, channel, logger } = await setup();
    await controller.handle(channel, { messageId: 1, body: { type: 'log', level: 'error', message: 'canvas lost' } });
    expect(logger.lines).toContain('[error] webview (cells.tif): canvas lost');
  });

  it('closes the image on dispose', async () => {
    const { doc, image } = await setup();
    doc.dispose();
    await Promise.resolve();
    expect(image.closed).toBe(true);
  });
});

describe('DocumentController (labelling)', () => {
  async function two(readOnly = false, confirmAnswer = true) {
    const image = fakeImage({ t: 1, z: 1, c: 1, y: 10, x: 10 });
    const logger = new MemoryLogger();
    const doc = await LabelDocument.open(fakeUri('/data/cells.tif'), { openImage: fakeOpener({ '/data/cells.tif': image }), logger });
    const registry = new EditorRegistry<LabelDocument>();
    const questions: string[] = [];
    const controller = new DocumentController(doc, registry, {
      logger, settings: () => ({ liveUpdate: false, readOnly, tileSize: 256 }),
      confirm: async (m) => { questions.push(m); return confirmAnswer; },
    });
    const a = new FakeWebview();
    const b = new FakeWebview();
    const ca = new WebviewChannel(a, 'a');
    registry.add(doc, ca);
    registry.add(doc, new WebviewChannel(b, 'b'));
    return { doc, controller, a, b, ca, logger, questions };
  }
  const paint = (classId: number, ...xy: number[]) => ({ messageId: 2, body: { type: 'labels/paint', t: 0, z: 0, classId, brushSize: 3, points: new Float32Array(xy).buffer } });

  it('a stroke from one webview is broadcast as a labels/patch to every webview', async () => {
    const { controller, a, b, ca, doc } = await two();
    await controller.handle(ca, paint(1, 5.5, 5.5));
    const n = doc.labels!.labelledCount();
    expect(n).toBeGreaterThan(0);
    for (const w of [a, b]) {
      const [patch] = w.bodies('labels/patch');
      if (patch?.type !== 'labels/patch') throw new Error('no patch');
      const { column, row, width, height } = patch.box;
      expect(column <= 5 && row <= 5 && column + width > 5 && row + height > 5).toBe(true);
      const data = new Uint8Array(patch.data);
      expect(data.length).toBe(width * height);
      for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) expect(data[r * width + c]).toBe(doc.labels!.get(0, 0, row + r, column + c));
      expect(data.filter((v) => v === 1).length).toBe(n);
      expect(patch.labelCount).toBe(n);
    }
  });

  it('answers labels/requestPlane with the label plane', async () => {
    const { controller, a, ca } = await two();
    await controller.handle(ca, paint(2, 0.5, 0.5));
    await controller.handle(ca, { messageId: 3, body: { type: 'labels/requestPlane', t: 0, z: 0 } });
    const reply = a.posted.find((e) => e.body.type === 'labels/plane')!;
    expect(reply.inReplyTo).toBe(3);
    if (reply.body.type !== 'labels/plane') throw new Error();
    expect(new Uint8Array(reply.body.data)[0]).toBe(2);
    expect(reply.body.data.byteLength).toBe(100);
  });

  it('refuses painting in restricted mode with a message, and changes nothing', async () => {
    const { controller, a, ca, doc, logger } = await two(true);
    await controller.handle(ca, paint(1, 5, 5));
    expect(doc.labels!.labelledCount()).toBe(0);
    expect(a.bodies('error/show')[0]).toMatchObject({ fatal: false, message: expect.stringMatching(/painting is disabled/) });
    expect(logger.lines.some((l) => l.includes('painting is disabled'))).toBe(true);
  });

  it('class deletion asks first and does nothing when declined', async () => {
    const declined = await two(false, false);
    await declined.controller.handle(declined.ca, { messageId: 1, body: { type: 'classes/delete', classId: 1 } });
    expect(declined.questions).toEqual(['Delete class "Label 1"?']);
    expect(declined.doc.classes).toHaveLength(2);
    const accepted = await two(false, true);
    await accepted.controller.handle(accepted.ca, { messageId: 1, body: { type: 'classes/delete', classId: 1 } });
    expect(accepted.doc.classes.map((c) => c.name)).toEqual(['Label 2']);
    expect(accepted.b.bodies('classes/update')).toEqual([{ type: 'classes/update', classes: [{ id: 1, name: 'Label 2', color: '#0000ff' }] }]);
  });

  it('an invalid feature selection is reported and the host state is sent back', async () => {
    const { controller, a, ca, doc } = await two();
    const f = JSON.parse(JSON.stringify(doc.features));
    f.selected.LaplacianOfGaussian[0] = true;
    await controller.handle(ca, { messageId: 1, body: { type: 'features/set', features: f } });
    expect(a.bodies('error/show')[0]).toMatchObject({ message: expect.stringMatching(/invalid feature selection/) });
    expect(a.bodies('features/update')).toEqual([{ type: 'features/update', features: doc.features }]);
  });
});

describe('DocumentController questions in the banner', () => {
  it('asks in the webview, accepts only an offered answer, re-sends after init, and resolves undefined on dispose', async () => {
    const { controller, webview, channel, logger } = await setup();
    const answer = controller.ask('Add cells.tif to project p.pixelclass.json?', ['Add to p.pixelclass.json', 'Keep Separate']);
    const [shown] = webview.bodies('notice/show');
    expect(shown).toEqual({ type: 'notice/show', message: 'Add cells.tif to project p.pixelclass.json?', questionId: 'q1', actions: ['Add to p.pixelclass.json', 'Keep Separate'] });
    await controller.handle(channel, { messageId: 1, body: { type: 'ready' } });
    expect(webview.bodies('notice/show')).toHaveLength(2); // a re-created webview gets the open question again
    await controller.handle(channel, { messageId: 2, body: { type: 'notice/answer', questionId: 'q1', action: 'Delete everything' } });
    expect(logger.lines.at(-1)).toMatch(/ignoring an answer that was not offered/);
    await controller.handle(channel, { messageId: 3, body: { type: 'notice/answer', questionId: 'q1', action: 'Keep Separate' } });
    await expect(answer).resolves.toBe('Keep Separate');
    const dismissed = controller.ask('Second?', ['Yes']);
    await controller.handle(channel, { messageId: 4, body: { type: 'notice/answer', questionId: 'q2' } });
    await expect(dismissed).resolves.toBeUndefined();
    const open = controller.ask('Third?', ['Yes']);
    controller.dispose();
    await expect(open).resolves.toBeUndefined();
  });

  it('rejects a malformed answer', async () => {
    const { controller, channel, logger } = await setup();
    await controller.handle(channel, { messageId: 1, body: { type: 'notice/answer', questionId: 42 } });
    expect(logger.lines.at(-1)).toMatch(/Rejected message.*questionId must be a string/);
  });
});
