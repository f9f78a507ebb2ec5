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
  const controller = new DocumentController(doc, registry, { logger, settings });
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
