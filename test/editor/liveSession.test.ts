import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LabelDocument } from '../../extension/editor/labelDocument';
import { DocumentController } from '../../extension/editor/documentController';
import { EditorRegistry, WebviewChannel } from '../../extension/editor/editorRegistry';
import { LiveSession } from '../../extension/editor/liveSession';
import { quantizeTile } from '../../extension/editor/quantizeTile';
import { inlineCompute, type LiveCompute } from '../../extension/editor/liveCompute';
import { MemoryLogger } from '../../extension/editor/logger';
import { modelCachePath } from '../../extension/project/projectFile';
import { trainingHash } from '../../extension/project/trainingHash';
import { FakeWebview, fakeImage, fakeOpener, fakeUri } from './fakes';
import { computeFeatureBlock } from '../../extension/core/features/computeFeatureBlock';
import { boxFeatureSamples, imageTrainingPlan } from '../../extension/core/training/projectTraining';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pc-live-'));
  await fs.writeFile(path.join(dir, 'img.tif'), 'bytes');
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function setup(options: { live?: boolean; tileSize?: number; compute?: LiveCompute; deferHash?: boolean; featureCacheBytes?: number } = {}) {
  const file = path.join(dir, 'img.tif');
  const image = fakeImage({ t: 1, z: 1, c: 1, y: 48, x: 40 }, file);
  const logger = new MemoryLogger();
  const doc = await LabelDocument.open(fakeUri(file), {
    openImage: fakeOpener({ [file]: image }), logger,
    // As for a file of gigabytes: hashed later, not at open (issue #13).
    ...(options.deferHash ? { earlyHashBytes: 0, lateHashDelayMs: 3_600_000 } : {}),
  });
  doc.project.classifier.trees = 8;
  const registry = new EditorRegistry<LabelDocument>();
  let live!: LiveSession;
  const controller = new DocumentController(doc, registry, {
    logger,
    settings: () => ({ liveUpdate: options.live ?? false, readOnly: false, tileSize: options.tileSize ?? 16 }),
    confirm: async () => true,
    createLive: (c) => (live = new LiveSession(c, { compute: options.compute ?? inlineCompute(), logger, featureCacheBytes: options.featureCacheBytes ?? 64 << 20, openImage: fakeOpener({ [file]: image }), debounceMs: 5, concurrency: 1 })),
  });
  const webview = new FakeWebview();
  const channel = new WebviewChannel(webview, 'w');
  registry.add(doc, channel);
  const paint = (classId: number, ...xy: number[]) =>
    controller.handle(channel, { messageId: 1, body: { type: 'labels/paint', t: 0, z: 0, classId, brushSize: 3, points: new Float32Array(xy).buffer } });
  return { doc, controller, live, webview, channel, paint, logger, image };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(condition()).toBe(true);
}

describe('LiveSession', () => {
  it('trains after Update now and predicts every tile, visible tiles first, with one generation', async () => {
    const { live, webview, channel, controller, paint } = await setup();
    await paint(1, 3, 3, 10, 3); // top rows: low values
    await paint(2, 30, 44, 38, 44); // bottom rows: high values
    await controller.handle(channel, { messageId: 2, body: { type: 'view/changed', t: 0, z: 0, box: { column: 20, row: 30, width: 12, height: 10 } } });
    await controller.handle(channel, { messageId: 3, body: { type: 'live/updateNow' } });
    await live.idle();
    const tiles = webview.bodies('prediction/tile');
    expect(tiles).toHaveLength(3 * 3); // 40×48 on a 16-px grid
    const first = tiles[0];
    if (first.type !== 'prediction/tile') throw new Error();
    expect(first.box).toEqual({ column: 16, row: 32, width: 16, height: 16 }); // contains the view centre (26, 35)
    expect(new Set(tiles.map((t) => (t as { generation: number }).generation)).size).toBe(1);
    expect(first.nClasses).toBe(2);
    expect(first.probabilities.byteLength).toBe(2 * 16 * 16);
    // Bottom tile is confidently class 2, top-left confidently class 1.
    const p = new Uint8Array(first.probabilities);
    expect(p[256 + 15 * 16 + 8]).toBeGreaterThan(200);
    const status = webview.bodies('status/update').at(-1);
    expect(status).toMatchObject({ status: { state: 'idle', progress: 1, featureChannels: 13 } });
    if (status?.type !== 'status/update') throw new Error();
    expect(status.status.oobError).toBeGreaterThanOrEqual(0);
    expect(status.status.importances!.length).toBeGreaterThan(0);
    expect(status.status.labelCounts[1]).toBeGreaterThan(0);
  });

  it('a re-created webview gets init and then the current predictions again', async () => {
    const { live, paint, controller, channel, doc } = await setup();
    await paint(1, 3, 3);
    await paint(2, 30, 44);
    await controller.handle(channel, { messageId: 3, body: { type: 'live/updateNow' } });
    await live.idle();
    const fresh = new FakeWebview();
    const freshChannel = new WebviewChannel(fresh, 'fresh');
    await controller.handle(freshChannel, { messageId: 1, body: { type: 'ready' } });
    await new Promise((r) => setImmediate(r));
    expect(fresh.bodies()[0].type).toBe('init');
    expect(fresh.bodies('prediction/tile')).toHaveLength(9);
    expect(doc.isDirty).toBe(true);
  });

  it('repainting reuses cached feature tiles (no recomputation)', async () => {
    const { live, paint, controller, channel } = await setup();
    await paint(1, 3, 3);
    await paint(2, 30, 44);
    await controller.handle(channel, { messageId: 3, body: { type: 'live/updateNow' } });
    await live.idle();
    const computed = live.features.computed;
    expect(computed).toBe(9);
    await paint(1, 5, 20);
    await controller.handle(channel, { messageId: 4, body: { type: 'live/updateNow' } });
    await live.idle();
    expect(live.features.computed).toBe(computed);
    expect(live.features.hits).toBeGreaterThan(0);
  });

  it('with live update on, a stroke retrains after the debounce (a burst of strokes trains once)', async () => {
    const { live, webview, paint } = await setup({ live: true });
    await paint(1, 3, 3);
    await paint(2, 30, 44);
    await paint(2, 31, 44);
    await new Promise((r) => setTimeout(r, 30));
    await live.idle();
    const gens = new Set(webview.bodies('prediction/tile').map((t) => (t as { generation: number }).generation));
    expect(gens.size).toBe(1);
    expect(webview.bodies('prediction/tile')).toHaveLength(9);
  });

  it('a newer stroke cancels stale work: the running training is aborted and none of its tiles are shown', async () => {
    // The first training waits (up to 2 s) for its cancellation; were the stale run not cancelled it would
    // finish, and its forest's tiles (another generation, fewer samples) would reach the webview.
    const inline = inlineCompute();
    const trainings: { nSamples: number; aborted: boolean }[] = [];
    let started!: () => void;
    const firstStarted = new Promise<void>((resolve) => { started = resolve; });
    const compute: LiveCompute = {
      ...inline,
      async train(X, y, nFeatures, options, signal) {
        const call = { nSamples: y.length, aborted: false };
        trainings.push(call);
        if (trainings.length === 1) {
          started();
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 2000);
            signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); });
          });
          call.aborted = signal?.aborted ?? false;
        }
        return inline.train(X, y, nFeatures, options, signal);
      },
    };
    const { live, webview, paint } = await setup({ live: true, compute });
    await paint(1, 3, 3);
    await paint(2, 30, 44);
    await firstStarted;
    await paint(2, 20, 30); // the newer stroke, while the stale run trains
    await until(() => trainings.length === 2);
    await live.idle();
    expect(trainings.map((t) => t.aborted)).toEqual([true, false]);
    expect(trainings[1].nSamples).toBeGreaterThan(trainings[0].nSamples);
    const tiles = webview.bodies('prediction/tile') as { generation: number }[];
    expect(tiles).toHaveLength(9);
    expect(new Set(tiles.map((t) => t.generation))).toEqual(new Set([live.generation]));
    expect(live.forest!.oobError).toBeGreaterThanOrEqual(0);
  });

  it('predicts a tile whose features are computed now in the same job, and a cached tile from its cached features', async () => {
    const inline = inlineCompute();
    const calls = { features: 0, fused: 0, predict: 0 };
    const compute: LiveCompute = {
      ...inline,
      tileFeatures: (...a) => { calls.features++; return inline.tileFeatures(...a); },
      tileFeaturesAndPredict: (...a) => { calls.fused++; return inline.tileFeaturesAndPredict(...a); },
      predict: (...a) => { calls.predict++; return inline.predict(...a); },
    };
    const { live, webview, paint, controller, channel } = await setup({ compute });
    await paint(1, 3, 3);
    await paint(2, 30, 44);
    await controller.handle(channel, { messageId: 3, body: { type: 'live/updateNow' } });
    await live.idle();
    const first = webview.bodies('prediction/tile') as { probabilities: ArrayBuffer }[];
    expect(first).toHaveLength(9);
    // Training needs the labelled tiles' features (2 tiles); the other 7 are computed and predicted in one job each.
    expect(calls).toEqual({ features: 2, fused: 7, predict: 2 });
    // Retraining: every tile's features are cached now, so they are only predicted.
    await paint(2, 20, 30);
    await controller.handle(channel, { messageId: 4, body: { type: 'live/updateNow' } });
    await live.idle();
    expect(calls).toEqual({ features: 2, fused: 7, predict: 11 });
    // The fused job's probabilities are those of features then predict: a fresh session without it gives the same bytes.
    const separate = await setup({ compute: { ...inline, tileFeaturesAndPredict: async (r, forest, signal) => {
      const features = await inline.tileFeatures(r, signal);
      return { features, probabilities: await inline.predict(forest, features, r.target.ny * r.target.nx, signal) };
    } } });
    await separate.paint(1, 3, 3);
    await separate.paint(2, 30, 44);
    await separate.controller.handle(separate.channel, { messageId: 3, body: { type: 'live/updateNow' } });
    await separate.live.idle();
    const again = separate.webview.bodies('prediction/tile') as { probabilities: ArrayBuffer }[];
    expect(again.map((m) => Array.from(new Uint8Array(m.probabilities)))).toEqual(first.map((m) => Array.from(new Uint8Array(m.probabilities))));
  });

  it('with a feature cache too small for two tiles, predicted tiles keep their features in the worker (same probabilities)', async () => {
    const inline = inlineCompute();
    const kept: boolean[] = [];
    const compute: LiveCompute = {
      ...inline,
      tileFeaturesAndPredict: (r, forest, signal, priority, keepFeatures) => {
        kept.push(keepFeatures !== false);
        return inline.tileFeaturesAndPredict(r, forest, signal, priority, keepFeatures);
      },
    };
    // The smallest tile (16×8 of the 40×48 image) of the default features (13) is 16·8·13·4 bytes: a budget of one and
    // a half of them keeps none of the predicted tiles (it takes two).
    const small = await setup({ compute, featureCacheBytes: 1.5 * 16 * 8 * 4 * 13 });
    await small.paint(1, 3, 3);
    await small.paint(2, 30, 44);
    await small.controller.handle(small.channel, { messageId: 3, body: { type: 'live/updateNow' } });
    await small.live.idle();
    expect(small.live.forest!.nFeatures).toBe(13);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((k) => !k)).toBe(true);
    const roomy = await setup();
    await roomy.paint(1, 3, 3);
    await roomy.paint(2, 30, 44);
    await roomy.controller.handle(roomy.channel, { messageId: 3, body: { type: 'live/updateNow' } });
    await roomy.live.idle();
    const bytes = (w: FakeWebview) => (w.bodies('prediction/tile') as { box: object; probabilities: ArrayBuffer }[])
      .map((m) => JSON.stringify(m.box) + Array.from(new Uint8Array(m.probabilities)).join(',')).sort();
    expect(bytes(small.webview)).toHaveLength(9);
    expect(bytes(small.webview)).toEqual(bytes(roomy.webview));
  });

  it('with one class labelled it explains what to do instead of training', async () => {
    const { live, webview, paint, controller, channel } = await setup();
    await paint(1, 3, 3);
    await controller.handle(channel, { messageId: 3, body: { type: 'live/updateNow' } });
    await live.idle();
    expect(webview.bodies('prediction/tile')).toHaveLength(0);
    expect(webview.bodies('status/update').at(-1)).toMatchObject({ status: { state: 'idle', message: expect.stringMatching(/at least two classes/) } });
  });

  it('go to most uncertain navigates to a window on the boundary between the classes', async () => {
    const { paint, controller, channel, webview } = await setup();
    await paint(1, 3, 3, 36, 3);
    await paint(2, 3, 44, 36, 44);
    await controller.handle(channel, { messageId: 3, body: { type: 'navigate/mostUncertain' } });
    const [nav] = webview.bodies('view/navigate');
    expect(nav).toMatchObject({ type: 'view/navigate', t: 0, z: 0 });
    if (nav.type !== 'view/navigate') throw new Error();
    // The value ramp grows with the row, so uncertainty is highest between the labelled rows.
    expect(nav.box.row).toBeGreaterThan(3);
    expect(nav.box.row + nav.box.height).toBeLessThanOrEqual(48);
  });

  it('save writes the model cache; reopening uses it without retraining', async () => {
    const first = await setup();
    await first.paint(1, 3, 3);
    await first.paint(2, 30, 44);
    await first.controller.handle(first.channel, { messageId: 3, body: { type: 'live/updateNow' } });
    await first.live.idle();
    await first.doc.save();
    await first.live.afterSave();
    const cache = modelCachePath(first.doc.projectFile);
    expect((await fs.stat(cache)).size).toBeGreaterThan(80);
    const saved = JSON.parse(await fs.readFile(first.doc.projectFile, 'utf8'));
    // Derived values stay out of the committed project (issue #19): the model cache carries the training hash.
    expect(Object.keys(saved.provenance)).toEqual(['extensionVersion']);

    const again = await setup();
    await again.controller.handle(again.channel, { messageId: 1, body: { type: 'view/changed', t: 0, z: 0, box: { column: 0, row: 0, width: 40, height: 48 } } });
    await new Promise((r) => setTimeout(r, 50));
    await again.live.idle();
    await new Promise((r) => setTimeout(r, 50));
    expect(again.logger.lines.some((l) => l.includes('using the cached model'))).toBe(true);
    expect(again.logger.lines.some((l) => l.includes('trained'))).toBe(false);
    expect(again.webview.bodies('prediction/tile')).toHaveLength(9);
  });

  it('a big image trains before its file is hashed; the forest is then keyed by the real hash, not retrained, and cached on save', async () => {
    const first = await setup({ deferHash: true });
    await first.paint(1, 3, 3);
    await first.paint(2, 30, 44);
    await first.controller.handle(first.channel, { messageId: 3, body: { type: 'live/updateNow' } });
    await first.live.idle();
    expect(first.doc.knownImageHash).toBeUndefined(); // trained and predicted without waiting for the hash
    expect(first.webview.bodies('prediction/tile')).toHaveLength(9);
    const provisional = first.live.forestHash;
    expect(provisional).toBeDefined();
    await first.doc.hash();
    await new Promise((r) => setImmediate(r));
    expect(first.live.forestHash).not.toBe(provisional);
    expect(first.live.forestHash).toBe(trainingHash(await first.doc.snapshot()));
    const trainings = () => first.logger.lines.filter((l) => / trained /.test(l)).length;
    const before = trainings();
    await first.controller.handle(first.channel, { messageId: 4, body: { type: 'live/updateNow' } });
    await first.live.idle();
    expect(trainings()).toBe(before);
    await first.doc.save();
    await first.live.afterSave();
    expect((await fs.stat(modelCachePath(first.doc.projectFile))).size).toBeGreaterThan(80);
  });

  it('a big image with saved labels opens before its hash is known; a changed file is reported when the hash arrives', async () => {
    const first = await setup();
    await first.paint(1, 3, 3);
    await first.doc.save();
    await fs.writeFile(path.join(dir, 'img.tif'), 'other bytes');
    const again = await setup({ deferHash: true });
    expect(again.doc.labels!.labelledCount()).toBeGreaterThan(0);
    expect(again.doc.knownImageHash).toBeUndefined();
    const notices: string[] = [];
    again.doc.onDidChange((e) => { if (e.kind === 'notice') notices.push(e.message); });
    await again.doc.hash();
    await new Promise((r) => setImmediate(r));
    expect(notices).toEqual([expect.stringContaining('changed on disk since it was labelled')]);
    expect(again.doc.warnings).toContainEqual(expect.stringContaining('changed on disk'));
  });

  it('box features assembled from tiles equal features computed on the box directly', async () => {
    const { live, doc, image, paint } = await setup({ tileSize: 16 });
    await paint(1, 3, 3, 36, 3);
    await paint(2, 14, 20, 18, 30); // crosses tile borders
    const plan = imageTrainingPlan(doc.project.features, { path: doc.relativePath, shape: doc.shape! });
    const expected = await boxFeatureSamples(plan, image, doc.labels!, async (r) => computeFeatureBlock(r));
    const actual = await live.trainer.currentSamples(doc.labels!, plan, new AbortController().signal);
    expect(expected.nSamples).toBeGreaterThan(50);
    expect(actual.nSamples).toBe(expected.nSamples);
    expect(Array.from(actual.y)).toEqual(Array.from(expected.y));
    expect(actual.boxes).toEqual(expected.boxes);
    expect(Array.from(actual.X)).toEqual(Array.from(expected.X));
  });
});

describe('quantizeTile', () => {
  it('rounds probabilities to bytes and finds the most uncertain window', () => {
    // 2 classes, 4×2 tile, window 2: left window certain, right window uncertain.
    const p1 = [1, 1, 0.5, 0.6, 1, 1, 0.5, 0.4];
    const probabilities = new Float32Array([...p1, ...p1.map((v) => 1 - v)]);
    const q = quantizeTile(probabilities, 2, { column: 10, row: 20, width: 4, height: 2 }, 2);
    expect(Array.from(q.bytes.subarray(0, 8))).toEqual([255, 255, 128, 153, 255, 255, 128, 102]);
    expect(q.window).toEqual({ column: 12, row: 20, width: 2, height: 2 });
    expect(q.windowUncertainty).toBeCloseTo((1 + 0.8 + 1 + 0.8) / 4, 6);
  });
});
