/** The two-stage (preview forest, then full forest) live update of LiveSession. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LabelDocument } from '../../extension/editor/labelDocument';
import { DocumentController } from '../../extension/editor/documentController';
import { EditorRegistry, WebviewChannel } from '../../extension/editor/editorRegistry';
import { LiveSession } from '../../extension/editor/liveSession';
import { previewSubsample, type PreviewSettings } from '../../extension/editor/previewForest';
import { inlineCompute, type LiveCompute } from '../../extension/editor/liveCompute';
import { MemoryLogger } from '../../extension/editor/logger';
import { serializeForest } from '../../extension/core/forest/index';
import { decodeModelCache } from '../../extension/project/modelCache';
import { modelCachePath, readProject } from '../../extension/project/projectFile';
import type { HostToWebviewMessage } from '../../extension/protocol';
import { FakeWebview, fakeImage, fakeOpener, fakeUri } from './fakes';
import { trainProjectForest } from '../../extension/batch/trainProject';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pc-preview-'));
  await fs.writeFile(path.join(dir, 'img.tif'), 'bytes');
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const PREVIEW: PreviewSettings = { trees: 3, maxSamples: 40, minFullWork: 0, skipBelowMs: -1 };
const VIEW = { column: 10, row: 20, width: 20, height: 20 }; // 4 of the 9 tiles of 16²

/**
 * A compute back end that records training calls and can hold one training (by its tree count) until
 * its signal aborts, to cancel a run in a chosen stage.
 */
function gatedCompute() {
  const inline = inlineCompute();
  const calls: { nTrees: number; nSamples: number; aborted: boolean }[] = [];
  let holdTrees: number | undefined;
  let held: (() => void) | undefined;
  const compute: LiveCompute = {
    tileFeatures: inline.tileFeatures,
    predict: inline.predict,
    tileFeaturesAndPredict: inline.tileFeaturesAndPredict,
    async train(X, y, nFeatures, options, signal) {
      const call = { nTrees: options.nTrees!, nSamples: y.length, aborted: false };
      calls.push(call);
      if (holdTrees === options.nTrees && signal) {
        holdTrees = undefined;
        await new Promise<void>((resolve) => {
          held = resolve;
          signal.addEventListener('abort', () => resolve());
        });
        call.aborted = signal.aborted;
        signal.throwIfAborted();
      }
      return inline.train(X, y, nFeatures, options, signal);
    },
  };
  return {
    compute, calls,
    hold(nTrees: number) { holdTrees = nTrees; },
    release() { held?.(); },
  };
}

async function setup(preview: Partial<PreviewSettings> | false = PREVIEW) {
  const file = path.join(dir, 'img.tif');
  const image = fakeImage({ t: 1, z: 1, c: 1, y: 48, x: 40 }, file);
  const logger = new MemoryLogger();
  const doc = await LabelDocument.open(fakeUri(file), { openImage: fakeOpener({ [file]: image }), logger });
  doc.project.classifier.trees = 8;
  const registry = new EditorRegistry<LabelDocument>();
  const gate = gatedCompute();
  let live!: LiveSession;
  const controller = new DocumentController(doc, registry, {
    logger,
    settings: () => ({ liveUpdate: false, readOnly: false, tileSize: 16 }),
    confirm: async () => true,
    createLive: (c) => (live = new LiveSession(c, {
      compute: gate.compute, logger, featureCacheBytes: 64 << 20, openImage: fakeOpener({ [file]: image }), debounceMs: 5, concurrency: 1, preview,
    })),
  });
  const webview = new FakeWebview();
  const channel = new WebviewChannel(webview, 'w');
  registry.add(doc, channel);
  let id = 1;
  const send = (body: unknown) => controller.handle(channel, { messageId: id++, body });
  const paint = (classId: number, ...xy: number[]) =>
    send({ type: 'labels/paint', t: 0, z: 0, classId, brushSize: 3, points: new Float32Array(xy).buffer });
  await send({ type: 'view/changed', t: 0, z: 0, box: VIEW });
  // Two classes, ~80 labelled pixels (more than the preview's 40 samples).
  await paint(1, 3, 3, 36, 3);
  await paint(2, 3, 44, 36, 44);
  return { doc, live, webview, send, paint, logger, image, gate };
}

type Tile = Extract<HostToWebviewMessage, { type: 'prediction/tile' }>;
const tiles = (w: FakeWebview) => w.bodies('prediction/tile') as Tile[];
const inView = (t: Tile) => t.box.column < VIEW.column + VIEW.width && VIEW.column < t.box.column + t.box.width
  && t.box.row < VIEW.row + VIEW.height && VIEW.row < t.box.row + t.box.height;

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(condition()).toBe(true);
}

/** The full forest the batch trainer (what the CLI runs) retrains from the saved project. */
async function batchForestBytes(doc: LabelDocument, image: ReturnType<typeof fakeImage>): Promise<Uint8Array> {
  const { forest } = await trainProjectForest(await readProject(doc.projectFile), doc.projectFile, { openImage: async () => image });
  return serializeForest(forest);
}

describe('LiveSession preview stage', () => {
  it('shows preview tiles of the visible region first, then every tile of the full forest', async () => {
    const { live, webview, send, gate, logger } = await setup();
    await send({ type: 'live/updateNow' });
    await live.idle();
    expect(gate.calls.map((c) => c.nTrees)).toEqual([3, 8]);
    expect(gate.calls[0].nSamples).toBeLessThanOrEqual(PREVIEW.maxSamples);
    expect(gate.calls[1].nSamples).toBeGreaterThan(PREVIEW.maxSamples);
    const all = tiles(webview);
    const generations = [...new Set(all.map((t) => t.generation))];
    expect(generations).toHaveLength(2);
    const [previewGen, fullGen] = generations;
    expect(fullGen).toBeGreaterThan(previewGen);
    const preview = all.filter((t) => t.generation === previewGen);
    const full = all.filter((t) => t.generation === fullGen);
    // Preview: only the 4 visible tiles, all before any full tile; full: the 9 tiles, visible first.
    expect(preview).toHaveLength(4);
    expect(preview.every(inView)).toBe(true);
    expect(all.slice(0, 4)).toEqual(preview);
    expect(full).toHaveLength(9);
    expect(full.slice(0, 4).every(inView)).toBe(true);
    expect(live.generation).toBe(fullGen);
    expect(live.preview).toBe(false);
    // Status: the preview is named while it shows; the full forest's OOB error at the end.
    const statuses = webview.bodies('status/update').map((m) => (m as Extract<HostToWebviewMessage, { type: 'status/update' }>).status);
    const firstFull = statuses.findIndex((s) => s.message?.includes('Training 8 trees'));
    expect(statuses.some((s) => /^Preview \(3 trees\)/.test(s.message ?? ''))).toBe(true);
    expect(statuses[firstFull].message).toMatch(/^preview \(3 trees\) shown; Training 8 trees/);
    expect(statuses.slice(0, firstFull).every((s) => s.oobError === undefined)).toBe(true);
    expect(statuses.at(-1)).toMatchObject({ state: 'idle', message: 'Up to date', oobError: expect.any(Number) });
    expect(logger.lines.some((l) => /preview: 3 trees on \d+ of \d+ samples/.test(l))).toBe(true);
    // The preview is sensible already: the class-2 (bottom) tile agrees with the full forest.
    const bottom = (list: Tile[]) => new Uint8Array(list.find((t) => t.box.row === 32 && t.box.column === 16)!.probabilities);
    expect(bottom(preview)[256 + 15 * 16 + 8]).toBeGreaterThan(127);
    expect(bottom(full)[256 + 15 * 16 + 8]).toBeGreaterThan(127);
  });

  it('skips the preview once a full training has shown that the full forest is quick on this machine', async () => {
    const { live, send, paint, gate, webview } = await setup({ ...PREVIEW, skipBelowMs: 60_000 });
    await send({ type: 'live/updateNow' });
    await live.idle();
    // First update: nothing measured yet, so preview then full.
    expect(gate.calls.map((c) => c.nTrees)).toEqual([3, 8]);
    await paint(1, 6, 22);
    await send({ type: 'live/updateNow' });
    await live.idle();
    // Second: the measured full training (milliseconds here) is far below 60 s → straight to the full forest.
    expect(gate.calls.map((c) => c.nTrees)).toEqual([3, 8, 8]);
    expect(live.preview).toBe(false);
    const last = tiles(webview).filter((t) => t.generation === live.generation);
    expect(last).toHaveLength(9);
    expect(last.slice(0, 4).every(inView)).toBe(true);
  });

  it('a new stroke during the preview training cancels both stages of the stale run', async () => {
    const { live, webview, send, paint, gate } = await setup();
    gate.hold(3);
    await send({ type: 'live/updateNow' });
    await until(() => gate.calls.length === 1);
    await paint(1, 5, 20);
    await send({ type: 'live/updateNow' });
    await live.idle();
    expect(gate.calls.map((c) => [c.nTrees, c.aborted])).toEqual([[3, true], [3, false], [8, false]]);
    const generations = new Set(tiles(webview).map((t) => t.generation));
    expect(generations.size).toBe(2); // the second run's preview and full forest only
    expect(tiles(webview).filter((t) => t.generation === live.generation)).toHaveLength(9);
  });

  it('a new stroke during the full training cancels it; its preview tiles stay the only ones of that run', async () => {
    const { live, webview, send, paint, gate, logger } = await setup();
    gate.hold(8);
    await send({ type: 'live/updateNow' });
    await until(() => gate.calls.length === 2 && tiles(webview).length === 4);
    expect(live.preview).toBe(true);
    expect(live.forestHash).toBeUndefined();
    const staleGen = tiles(webview)[0].generation;
    await paint(2, 30, 30);
    await send({ type: 'live/updateNow' });
    await live.idle();
    expect(gate.calls.map((c) => [c.nTrees, c.aborted])).toEqual([[3, false], [8, true], [3, false], [8, false]]);
    expect(tiles(webview).filter((t) => t.generation === staleGen)).toHaveLength(4);
    const later = tiles(webview).filter((t) => t.generation > staleGen);
    expect(new Set(later.map((t) => t.generation)).size).toBe(2);
    expect(logger.lines.filter((l) => /trained 8 trees/.test(l))).toHaveLength(1);
  });

  it('the model cache is only ever the full forest, byte-identical to the batch trainer’s', async () => {
    const { live, doc, send, gate, image, webview } = await setup();
    gate.hold(8);
    await send({ type: 'live/updateNow' });
    await until(() => tiles(webview).length === 4);
    // Saving while the preview shows writes no model cache.
    await doc.save();
    await live.afterSave();
    const cache = modelCachePath(doc.projectFile);
    await expect(fs.stat(cache)).rejects.toThrow();
    gate.release();
    await live.idle();
    await live.afterSave();
    const decoded = decodeModelCache(new Uint8Array(await fs.readFile(cache)));
    if ('invalid' in decoded) throw new Error(decoded.invalid);
    expect(decoded.trainingHash).toBe(live.forestHash);
    expect(Array.from(decoded.forestBytes)).toEqual(Array.from(await batchForestBytes(doc, image)));
    expect(live.forest!.trees).toHaveLength(8);
  });

  it('with preview off, or when the full training is cheap, only the full forest is trained', async () => {
    for (const preview of [false, { ...PREVIEW, minFullWork: 1e9 }] as const) {
      const { live, webview, send, gate } = await setup(preview);
      await send({ type: 'live/updateNow' });
      await live.idle();
      expect(gate.calls.map((c) => c.nTrees)).toEqual([8]);
      expect(new Set(tiles(webview).map((t) => t.generation)).size).toBe(1);
      expect(tiles(webview)).toHaveLength(9);
    }
  });
});

describe('previewSubsample', () => {
  it('keeps every class (at least 20 each), respects the bound, keeps sample order and is seeded', () => {
    const n = 1000;
    const F = 2;
    const X = new Float32Array(n * F).map((_, i) => i);
    const y = new Uint8Array(n).map((_, i) => (i < 970 ? 1 : 2)); // class 2 is rare
    const a = previewSubsample({ X, y, nSamples: n, nFeatures: F }, 100, 7);
    const b = previewSubsample({ X, y, nSamples: n, nFeatures: F }, 100, 7);
    const c = previewSubsample({ X, y, nSamples: n, nFeatures: F }, 100, 8);
    expect(a.nSamples).toBe(97 + 20);
    expect(Array.from(a.y).filter((k) => k === 2)).toHaveLength(20);
    const rows = Array.from({ length: a.nSamples }, (_, s) => a.X[s * F] / F);
    for (let s = 0; s < a.nSamples; s++) {
      expect(a.X[s * F + 1]).toBe(a.X[s * F] + 1); // rows copied whole
      expect(a.y[s]).toBe(y[rows[s]]);
      if (s > 0) expect(rows[s]).toBeGreaterThan(rows[s - 1]);
    }
    expect(Array.from(b.X)).toEqual(Array.from(a.X));
    expect(Array.from(c.X)).not.toEqual(Array.from(a.X));
    // Few enough samples: all of them, unchanged.
    const all = previewSubsample({ X, y, nSamples: n, nFeatures: F }, 1000, 7);
    expect(all.X).toBe(X);
  });
});
