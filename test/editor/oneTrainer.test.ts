/**
 * One trainer (issue #19): the live loop, the batch trainer and the CLI train through the engine's
 * projectTrainingSet, so the forest the editor caches is byte for byte the one `trainProjectForest` (what
 * the CLI and Predict Workspace run) retrains from the saved project — checked here for a 2D image and a
 * z-stack, and for a project with two labelled images.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LabelDocument } from '../../extension/editor/labelDocument';
import { DocumentController } from '../../extension/editor/documentController';
import { EditorRegistry, WebviewChannel } from '../../extension/editor/editorRegistry';
import { LiveSession } from '../../extension/editor/liveSession';
import { inlineCompute } from '../../extension/editor/liveCompute';
import { MemoryLogger } from '../../extension/editor/logger';
import { serializeForest } from '../../extension/core/forest/index';
import { computeFeatureBlock } from '../../extension/core/features/computeFeatureBlock';
import { selectionDefaultLight } from '../../extension/core/features/featureSet';
import { boxFeatureSamples, imageTrainingPlan, projectTrainingSet } from '../../extension/core/training/projectTraining';
import { decodeModelCache } from '../../extension/project/modelCache';
import { modelCachePath, readProject, setProjectLabels, writeProject } from '../../extension/project/projectFile';
import { ANYWHERE, PathSafetyError } from '../../extension/project/projectPaths';
import { LabelVolume } from '../../extension/core/labels/labelVolume';
import { sha256File } from '../../extension/project/fileHash';
import { trainProjectForest } from '../../extension/batch/trainProject';
import { FakeWebview, fakeImage, fakeOpener, fakeUri } from './fakes';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pc-one-trainer-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

type Shape = { t: number; z: number; c: number; y: number; x: number };

async function openEditor(file: string, images: Record<string, ReturnType<typeof fakeImage>>, trees = 6) {
  const logger = new MemoryLogger();
  const doc = await LabelDocument.open(fakeUri(file), { openImage: fakeOpener(images), logger });
  doc.project.classifier.trees = trees;
  const registry = new EditorRegistry<LabelDocument>();
  let live!: LiveSession;
  const controller = new DocumentController(doc, registry, {
    logger,
    settings: () => ({ liveUpdate: false, readOnly: false, tileSize: 16 }),
    confirm: async () => true,
    createLive: (c) => (live = new LiveSession(c, {
      compute: inlineCompute(), logger, featureCacheBytes: 64 << 20, openImage: fakeOpener(images), debounceMs: 5, concurrency: 1, preview: false,
    })),
  });
  const channel = new WebviewChannel(new FakeWebview(), 'w');
  registry.add(doc, channel);
  let id = 1;
  const send = (body: unknown) => controller.handle(channel, { messageId: id++, body });
  const paint = (z: number, classId: number, ...xy: number[]) =>
    send({ type: 'labels/paint', t: 0, z, classId, brushSize: 3, points: new Float32Array(xy).buffer });
  return { doc, live, send, paint };
}

/** The model the live loop caches on save, and the one the batch trainer retrains from the saved project. */
async function liveAndBatchModels(shape: Shape, strokes: (paint: (z: number, k: number, ...xy: number[]) => Promise<unknown>) => Promise<void>) {
  const file = path.join(dir, 'img.tif');
  await fs.writeFile(file, 'image bytes');
  const image = fakeImage(shape, file);
  const { doc, live, send, paint } = await openEditor(file, { [file]: image });
  await strokes(paint);
  await send({ type: 'live/updateNow' });
  await live.idle();
  expect(live.forest).toBeDefined();
  await doc.save();
  await live.afterSave();
  const decoded = decodeModelCache(new Uint8Array(await fs.readFile(modelCachePath(doc.projectFile))));
  if ('invalid' in decoded) throw new Error(decoded.invalid);
  const project = await readProject(doc.projectFile);
  const batch = await trainProjectForest(project, doc.projectFile, { openImage: fakeOpener({ [file]: image }) });
  return { live: decoded.forestBytes, batch: serializeForest(batch.forest), samples: batch.samples, doc, image };
}

describe('one trainer: live and batch give the same model bytes', () => {
  it('2D image', async () => {
    const r = await liveAndBatchModels({ t: 1, z: 1, c: 1, y: 48, x: 40 }, async (paint) => {
      await paint(0, 1, 3, 3, 36, 3);
      await paint(0, 2, 3, 44, 36, 44);
      await paint(0, 1, 20, 20);
    });
    expect(r.samples).toBeGreaterThan(100);
    expect(r.live.length).toBeGreaterThan(100);
    expect(Array.from(r.live)).toEqual(Array.from(r.batch));
  });

  it('3D z-stack (3D features, labels on several slices)', async () => {
    const r = await liveAndBatchModels({ t: 1, z: 5, c: 1, y: 24, x: 20 }, async (paint) => {
      await paint(0, 1, 2, 2, 17, 2);
      await paint(2, 2, 2, 21, 17, 21);
      await paint(4, 1, 10, 10);
    });
    const plan = imageTrainingPlan((await readProject(r.doc.projectFile)).features, { path: 'img.tif', shape: r.image.info.shape });
    expect(plan.boxes.tileDepth).toBeGreaterThan(1); // 3D boxes, unlike the live loop's 2D tiles
    expect(Array.from(r.live)).toEqual(Array.from(r.batch));
  });

  it('a project of two labelled images: the other image sampled from its file, in project order', async () => {
    const a = path.join(dir, 'a.tif');
    const b = path.join(dir, 'b.tif');
    await fs.writeFile(a, 'a bytes');
    await fs.writeFile(b, 'b bytes');
    const images = { [a]: fakeImage({ t: 1, z: 1, c: 1, y: 32, x: 32 }, a), [b]: fakeImage({ t: 1, z: 1, c: 1, y: 32, x: 32 }, b) };
    // Label a.tif and save; list b.tif in a's project (as "add this image to project" does), then label b.tif.
    const first = await openEditor(a, images);
    await first.paint(0, 1, 3, 3, 28, 3);
    await first.doc.save();
    const project = await readProject(first.doc.projectFile);
    project.images.push({ path: 'b.tif', sha256: await sha256File(b), shape: { t: 1, z: 1, c: 1, y: 32, x: 32 }, dtype: 'uint16' });
    await writeProject(first.doc.projectFile, project);
    const second = await openEditor(b, images);
    expect(second.doc.projectFile).toBe(first.doc.projectFile);
    await second.paint(0, 2, 3, 28, 28, 28);
    await second.send({ type: 'live/updateNow' });
    await second.live.idle();
    await second.doc.save();
    await second.live.afterSave();
    const saved = await readProject(second.doc.projectFile);
    expect(saved.images.map((i) => i.path)).toEqual(['a.tif', 'b.tif']);
    expect(Object.keys(saved.labels).sort()).toEqual(['a.tif', 'b.tif']);
    const decoded = decodeModelCache(new Uint8Array(await fs.readFile(modelCachePath(second.doc.projectFile))));
    if ('invalid' in decoded) throw new Error(decoded.invalid);
    const batch = await trainProjectForest(saved, second.doc.projectFile, { openImage: fakeOpener(images) });
    expect(Array.from(decoded.forestBytes)).toEqual(Array.from(serializeForest(batch.forest)));
  });
});

describe('images outside the project folder (trusted workspace)', () => {
  it('the live loop trains on a ../ image of the project, as the CLI does; confined callers refuse it', async () => {
    const a = path.join(dir, 'proj', 'a.tif');
    const b = path.join(dir, 'elsewhere', 'b.tif');
    await fs.mkdir(path.dirname(a));
    await fs.mkdir(path.dirname(b));
    await fs.writeFile(a, 'a bytes');
    await fs.writeFile(b, 'b bytes');
    const shape = { t: 1, z: 1, c: 1, y: 32, x: 32 };
    const images = { [a]: fakeImage(shape, a), [b]: fakeImage(shape, b) };
    const first = await openEditor(a, images);
    await first.paint(0, 1, 3, 3, 28, 3);
    await first.doc.save();
    first.doc.dispose(); // the project is edited on disk below: no open document holds it in memory
    // b.tif, labelled with class 2, joins a's project from outside its folder.
    const project = await readProject(first.doc.projectFile);
    const labels = new LabelVolume({ t: 1, z: 1, y: 32, x: 32 });
    for (let x = 2; x < 30; x++) labels.plane(0, 0)[28 * 32 + x] = 2;
    project.images.push({ path: '../elsewhere/b.tif', sha256: await sha256File(b), shape, dtype: 'uint16' });
    setProjectLabels(project, '../elsewhere/b.tif', labels);
    await writeProject(first.doc.projectFile, project);
    const again = await openEditor(a, images);
    await again.send({ type: 'live/updateNow' });
    await again.live.idle();
    expect(again.live.forest?.nClasses).toBe(2);
    await again.doc.save();
    await again.live.afterSave();
    const saved = await readProject(again.doc.projectFile);
    expect(saved.images.map((i) => i.path)).toEqual(['a.tif', '../elsewhere/b.tif']);
    const decoded = decodeModelCache(new Uint8Array(await fs.readFile(modelCachePath(again.doc.projectFile))));
    if ('invalid' in decoded) throw new Error(decoded.invalid);
    const batch = await trainProjectForest(saved, again.doc.projectFile, { openImage: fakeOpener(images), allowedRoots: ANYWHERE });
    expect(Array.from(decoded.forestBytes)).toEqual(Array.from(serializeForest(batch.forest)));
    await expect(trainProjectForest(saved, again.doc.projectFile, { openImage: fakeOpener(images) })).rejects.toThrow(PathSafetyError);
  });
});

describe('projectTrainingSet', () => {
  it('refuses images whose feature channel counts differ, naming the image', async () => {
    const shape2D = { t: 1, z: 1, c: 1, y: 32, x: 32 };
    const shape3D = { t: 1, z: 4, c: 2, y: 32, x: 32 };
    const features = selectionDefaultLight();
    const project = {
      features, classes: [1, 2], classifier: { trees: 3, seed: 0 },
      images: [{ path: 'flat.tif', shape: shape2D }, { path: 'stack.tif', shape: shape3D }],
      labels: { 'flat.tif': {}, 'stack.tif': {} },
    };
    let calls = 0;
    const flat = fakeImage(shape2D, 'flat.tif');
    await expect(projectTrainingSet(project, async (plan) => {
      calls++;
      const labels = new LabelVolume(shape2D);
      labels.plane(0, 0)[9] = 1;
      return boxFeatureSamples(plan, flat, labels, async (r) => computeFeatureBlock(r));
    })).rejects.toThrow(/^stack\.tif: gives \d+ feature channels but other labelled images give \d+ \(mixing 2D and 3D images, or different channel counts\)$/);
    expect(calls).toBe(1);
    await expect(projectTrainingSet({ ...project, labels: {} }, async () => { throw new Error('x'); }))
      .rejects.toThrow('the project has no labels: paint at least two classes before training');
  });
});
