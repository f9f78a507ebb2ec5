/**
 * Issue #7: "The image file changes or disappears while open: the editor says so and keeps labels."
 * The watch is driven with a fake file system watcher and a fake notification; the file itself is a real
 * temp file (its bytes give the sha256 the project records), its pixels come from a fake opener.
 */
import { denseLabels } from '../../extension/core/labels/labelVolume';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ImageSource } from '../../extension/core/image/imageModel';
import { LabelDocument, type DocumentChange } from '../../extension/editor/labelDocument';
import { DocumentController, type LiveLoop } from '../../extension/editor/documentController';
import { EditorRegistry, WebviewChannel } from '../../extension/editor/editorRegistry';
import { ImageFileWatch, RELOAD_IMAGE, statVersion, type FileWatcherLike } from '../../extension/editor/imageFileWatch';
import { MemoryLogger } from '../../extension/editor/logger';
import { readProject } from '../../extension/project/projectFile';
import { FakeWebview, fakeImage, fakeUri } from '../editor/fakes';

/** A watcher whose events the test fires. */
class FakeWatcher implements FileWatcherLike {
  private readonly listeners = { change: [] as (() => unknown)[], create: [] as (() => unknown)[], delete: [] as (() => unknown)[] };
  disposed = false;
  private on(kind: keyof FakeWatcher['listeners'], l: () => unknown) {
    this.listeners[kind].push(l);
    return { dispose: () => { this.listeners[kind] = this.listeners[kind].filter((x) => x !== l); } };
  }
  onDidChange(l: () => unknown) { return this.on('change', l); }
  onDidCreate(l: () => unknown) { return this.on('create', l); }
  onDidDelete(l: () => unknown) { return this.on('delete', l); }
  fire(kind: 'change' | 'create' | 'delete'): void { for (const l of this.listeners[kind]) l(); }
  get listenerCount(): number { return this.listeners.change.length + this.listeners.create.length + this.listeners.delete.length; }
  dispose(): void { this.disposed = true; }
}

/** A live loop that records what the controller asks of it. */
function fakeLive(): LiveLoop & { invalidated: string[] } {
  const invalidated: string[] = [];
  return {
    invalidated, enabled: true,
    status: () => ({ state: 'idle', progress: 0, labelCounts: [], featureChannels: 0, featureMemoryBytes: 0 }),
    invalidate: (reason) => { invalidated.push(reason); },
    updateNow: () => undefined, setView: () => undefined, goToMostUncertain: async () => undefined,
    afterSave: async () => undefined, replay: () => undefined, dispose: () => undefined,
  };
}

const shape = { t: 1, z: 1, c: 1, y: 6, x: 8 };
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
let dir: string;
let file: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pc-watch-'));
  file = path.join(dir, 'cells.tif');
  await fs.writeFile(file, 'version 1 bytes');
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function setup() {
  const logger = new MemoryLogger();
  // What the opener serves for the file: replaced by the tests to simulate new pixels on disk.
  const served: { image: ImageSource | Error } = { image: fakeImage(shape, file) };
  const opened: ImageSource[] = [];
  const openImage = async (p: string) => {
    if (p !== file || served.image instanceof Error) throw served.image instanceof Error ? served.image : new Error('no such file');
    opened.push(served.image);
    return served.image;
  };
  const doc = await LabelDocument.open(fakeUri(file), { openImage, logger, extensionVersion: '1.0.0' });
  await doc.hash(); // computed at open; wait for it so the test is deterministic
  const changes: DocumentChange[] = [];
  doc.onDidChange((c) => changes.push(c));
  const registry = new EditorRegistry<LabelDocument>();
  const live = fakeLive();
  const controller = new DocumentController(doc, registry, {
    logger, settings: () => ({ liveUpdate: true, readOnly: false, tileSize: 256 }), confirm: async () => true, createLive: () => live,
  });
  const webview = new FakeWebview();
  registry.add(doc, new WebviewChannel(webview, 'test'));
  const notifications: { message: string; actions: string[] }[] = [];
  let answer: string | undefined;
  const watcher = new FakeWatcher();
  const watch = new ImageFileWatch(doc, {
    watcher, logger, broadcast: (body) => controller.broadcast(body), stat: statVersion, settleMs: 5,
    notify: async (message, ...actions) => {
      notifications.push({ message, actions });
      return answer;
    },
  });
  await watch.ready;
  // Paint two classes: the labels every scenario must keep.
  doc.paint(0, 0, 1, 1, new Float32Array([1.5, 1.5, 3.5, 1.5]));
  doc.paint(0, 0, 2, 1, new Float32Array([1.5, 4.5]));
  const labelsBefore = denseLabels(doc.labels!).slice();
  changes.length = 0;
  live.invalidated.length = 0;
  const banners = () => webview.bodies('error/show').map((b) => (b as { message: string; fatal: boolean }));
  return {
    doc, logger, controller, webview, watcher, watch, live, changes, notifications, banners, labelsBefore, served, opened,
    answer: (a: string | undefined) => { answer = a; },
  };
}

/** Waits until `predicate` holds (events are debounced and notifications asynchronous). */
async function until(predicate: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Rewrites the file with new bytes and a new mtime. */
async function rewrite(text: string): Promise<void> {
  await fs.writeFile(file, text);
  const t = new Date(Date.now() + 5000);
  await fs.utimes(file, t, t);
}

describe('image file changed while open', () => {
  it('says so in the editor, the log and a notification naming the file, offering a reload; labels are kept', async () => {
    const s = await setup();
    await rewrite('version 2 bytes, longer');
    s.watcher.fire('change');
    s.watcher.fire('change'); // bursts of events give one report
    await until(() => s.notifications.length > 0);
    await new Promise((r) => setTimeout(r, 30));
    expect(s.notifications).toHaveLength(1);
    expect(s.notifications[0].message).toMatch(/^cells\.tif changed on disk while open\. Your labels are kept/);
    expect(s.notifications[0].actions).toEqual([RELOAD_IMAGE]);
    expect(s.banners()).toEqual([{ type: 'error/show', message: s.notifications[0].message, fatal: false }]);
    expect(s.logger.lines.some((l) => l.startsWith('[warn] cells.tif changed on disk'))).toBe(true);
    expect(s.watch.state).toBe('changed');
    expect(denseLabels(s.doc.labels!)).toEqual(s.labelsBefore);
    expect(s.doc.isDirty).toBe(true);
    expect(s.changes).toEqual([]); // nothing reloaded without the user's choice
  });

  it('an event that leaves size and mtime unchanged reports nothing', async () => {
    const s = await setup();
    s.watcher.fire('change');
    await s.watch.check();
    expect(s.notifications).toEqual([]);
    expect(s.banners()).toEqual([]);
    expect(s.watch.state).toBe('unchanged');
  });

  it('"Reload Image" reads the new pixels, keeps every label, re-inits the webviews and retrains; saving records the new sha256', async () => {
    const s = await setup();
    s.answer(RELOAD_IMAGE);
    const newPixels = fakeImage({ ...shape, c: 2 }, file); // a channel was added: allowed, labels are per pixel
    s.served.image = newPixels;
    await rewrite('version 2 bytes');
    s.watcher.fire('change');
    await until(() => s.changes.length > 0);
    expect(s.changes).toEqual([{ kind: 'image' }]);
    expect(s.doc.image).toBe(newPixels);
    expect(denseLabels(s.doc.labels!)).toEqual(s.labelsBefore);
    expect(s.live.invalidated).toEqual(['reloaded']);
    await until(() => s.webview.bodies('init').length > 0);
    const init = s.webview.bodies('init')[0] as { image: { shape: { c: number } } };
    expect(init.image.shape.c).toBe(2);
    expect(s.watch.state).toBe('unchanged');
    await s.doc.save();
    const project = await readProject(path.join(dir, 'cells.pixelclass.json'));
    expect(project.images[0].sha256).toBe(sha('version 2 bytes'));
    expect(project.images[0].shape.c).toBe(2);
    expect(Object.keys(project.labels['cells.tif'] ?? {})).not.toHaveLength(0);
  });

  it('a reload whose image has another size is refused: old image and labels kept, the user told why', async () => {
    const s = await setup();
    s.answer(RELOAD_IMAGE);
    const before = s.doc.image;
    s.served.image = fakeImage({ ...shape, y: 7 }, file);
    await rewrite('a different image');
    s.watcher.fire('change');
    await until(() => s.notifications.length === 2);
    expect(s.notifications[1].message).toMatch(/^cells\.tif was not reloaded: it now has t=1 z=1 7×8 pixels, the labels were painted on t=1 z=1 6×8\. The labels are kept \(4 labelled pixels\)/);
    expect(s.banners().map((b) => b.message)).toContain(s.notifications[1].message);
    expect(s.doc.image).toBe(before);
    expect(denseLabels(s.doc.labels!)).toEqual(s.labelsBefore);
    expect(s.changes).toEqual([]);
    expect(s.opened.at(-1)).toMatchObject({ closed: true }); // the rejected image is closed again
  });

  it('a reload that cannot read the file keeps everything and names the reason', async () => {
    const s = await setup();
    s.served.image = new Error('cells.tif: not a TIFF file (bad magic bytes)');
    const result = await s.watch.reload();
    expect(result.ok).toBe(false);
    expect(result.message).toBe('cells.tif was not reloaded: cells.tif: not a TIFF file (bad magic bytes). The labels are kept (4 labelled pixels); the editor still shows the image as it was read.');
    expect(denseLabels(s.doc.labels!)).toEqual(s.labelsBefore);
  });
});

describe('image file deleted while open', () => {
  it('says so, keeps the labels, and saving still writes them with the sha256 of the labelled version', async () => {
    const s = await setup();
    await fs.rm(file);
    s.watcher.fire('delete');
    await until(() => s.notifications.length > 0);
    expect(s.notifications[0]).toEqual({
      message: 'cells.tif was deleted or moved on disk while open. Your labels are kept: they stay in the editor and saving still writes them to cells.pixelclass.json. The editor shows the pixels it had read.',
      actions: [],
    });
    expect(s.banners()).toHaveLength(1);
    expect(s.watch.state).toBe('deleted');
    expect(denseLabels(s.doc.labels!)).toEqual(s.labelsBefore);
    // A second event for the same deletion says nothing new.
    s.watcher.fire('delete');
    await s.watch.check();
    expect(s.notifications).toHaveLength(1);
    await s.doc.save();
    const project = await readProject(path.join(dir, 'cells.pixelclass.json'));
    expect(project.images[0].sha256).toBe(sha('version 1 bytes'));
    const saved = Object.values(project.labels['cells.tif']).flat().join(' ');
    expect(saved).toMatch(/=1/);
    expect(saved).toMatch(/=2/);
  });

  it('a file that comes back is reported as changed, with the reload offered', async () => {
    const s = await setup();
    await fs.rm(file);
    s.watcher.fire('delete');
    await until(() => s.notifications.length === 1);
    await fs.writeFile(file, 'version 1 bytes');
    s.watcher.fire('create');
    await until(() => s.notifications.length === 2);
    expect(s.notifications[1].message).toMatch(/^cells\.tif is back on disk\. Your labels are kept/);
    expect(s.notifications[1].actions).toEqual([RELOAD_IMAGE]);
  });

  it('saving works when the file vanished before it could be hashed (the sha256 recorded in the project is kept)', async () => {
    const first = await setup();
    await first.doc.save();
    const projectFile = path.join(dir, 'cells.pixelclass.json');
    const recorded = (await readProject(projectFile)).images[0].sha256;
    expect(recorded).toBe(sha('version 1 bytes'));
    // Reopen; the file disappears right after its header was read, before the document could hash it.
    const logger = new MemoryLogger();
    const openImage = async () => {
      const image = fakeImage(shape, file);
      await fs.rm(file);
      return image;
    };
    const doc = await LabelDocument.open(fakeUri(file), { openImage, logger });
    expect(doc.labels!.labelledCount()).toBe(4);
    doc.paint(0, 0, 1, 1, new Float32Array([6.5, 5.5]));
    await doc.save();
    const project = await readProject(projectFile);
    expect(project.images[0].sha256).toBe(recorded);
    expect(doc.labels!.labelledCount()).toBe(5);
    expect(logger.lines.some((l) => /cannot hash the image file .*the sha256 recorded in the project/.test(l))).toBe(true);
  });

  it('dispose stops listening and disposes the watcher', async () => {
    const s = await setup();
    s.watch.dispose();
    expect(s.watcher.disposed).toBe(true);
    expect(s.watcher.listenerCount).toBe(0);
    await fs.rm(file);
    s.watcher.fire('delete');
    await new Promise((r) => setTimeout(r, 30));
    expect(s.notifications).toEqual([]);
  });
});
