/**
 * `pixel-classifier train --image a.tif --labels a_labels.tif [… more pairs] [--features all|light|<spec>|<file.json>]
 * [--trees 100] [--seed 0] [--max-depth D] [--min-samples-leaf N] [--threads N] [--force] [--json] -o project.pixelclass.json`
 * (issue #4): builds a project from images and label images (0 = unlabelled, 1..N = classes), trains the
 * forest and writes the project plus its model cache (both atomically). The images may live anywhere: the
 * user named them (stored relative to the project, with `../` when outside its folder). An existing project
 * is only replaced when it was produced from the same inputs (trainOutputGuard.ts), or with `--force`.
 */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { selectionDefaultLight, validateSelection, type FeatureSelection, type ScaleUnit } from '../../core/features/featureSet';
import { serializeForest } from '../../core/forest/index';
import { ImageError } from '../../core/image/imageModel';
import { createLabelStore, type LabelStore } from '../../core/labels/labelVolume';
import { openImage } from '../../node/openImage';
import { sha256File } from '../../project/fileHash';
import { modelCachePath, parseProject, setProjectLabels, writeFileAtomic, writeProject } from '../../project/projectFile';
import { encodeModelCache } from '../../project/modelCache';
import { ANYWHERE, toProjectRelative } from '../../project/projectPaths';
import { createProject, defaultClass, type PixelClassifierProject } from '../../project/projectSchema';
import { trainingHash } from '../../project/trainingHash';
import { trainProjectForest } from '../../batch/trainProject';
import { UsageError, type CliCommand, type CliIo } from '../cliCommand';
import { authoredDifference } from '../trainOutputGuard';
import { parseChannelList, parseFeatureSpec, parseScaleUnit } from './features';
import { ProgressReporter } from '../progressReporter';
import { createCliPool, extensionVersion, parseIntegerOption, toUsageError } from './predict';

/** Reads a label image into a volume; values must be integers 0..255 and the shape must match the image. */
async function readLabelImage(file: string, shape: { t: number; z: number; y: number; x: number }): Promise<LabelStore> {
  const source = await openImage(file);
  try {
    const s = source.info.shape;
    if (s.c !== 1) throw new ImageError(file, `a label image must have one channel, this one has ${s.c}`);
    if (s.t !== shape.t || s.z !== shape.z || s.y !== shape.y || s.x !== shape.x) {
      throw new ImageError(file, `label image shape t=${s.t} z=${s.z} y=${s.y} x=${s.x} differs from the image's t=${shape.t} z=${shape.z} y=${shape.y} x=${shape.x}`);
    }
    const volume = createLabelStore(shape);
    for (let t = 0; t < s.t; t++) {
      for (let z = 0; z < s.z; z++) {
        const plane = await source.readPlane(t, z, 0);
        const offset = volume.planeOffset(t, z);
        for (let i = 0; i < plane.length; i++) {
          const v = plane[i];
          if (!(v >= 0 && v <= 255 && Number.isInteger(v))) {
            throw new ImageError(file, `label value ${v} at t=${t} z=${z} row ${Math.floor(i / s.x)} column ${i % s.x} is not an integer 0..255`);
          }
          if (v !== 0) volume.setAt(offset + i, v);
        }
      }
    }
    volume.changed();
    return volume;
  } finally {
    await source.close();
  }
}

async function loadFeatureSelection(spec: string, cwd: string, scaleUnit: ScaleUnit | undefined): Promise<FeatureSelection> {
  const lower = spec.trim().toLowerCase();
  if (lower === 'light' || lower === 'default') return selectionDefaultLight();
  if (lower.endsWith('.json')) {
    const file = path.resolve(cwd, spec);
    let selection: FeatureSelection;
    try {
      const raw = JSON.parse(await fs.readFile(file, 'utf8')) as { features?: FeatureSelection } & FeatureSelection;
      selection = raw.features ?? raw; // a project file or a bare selection
      if (scaleUnit === 'physical') selection = { ...selection, scaleUnit: 'physical' };
      else if (scaleUnit === 'pixels') { const { scaleUnit: _dropped, ...rest } = selection; selection = rest; }
    } catch (error) {
      throw new UsageError(`--features ${spec}: cannot read a feature selection (${error instanceof Error ? error.message : String(error)})`);
    }
    const problems = validateSelection(selection);
    if (problems.length > 0) throw new UsageError(`--features ${spec}: ${problems.join('; ')}`);
    return selection;
  }
  return parseFeatureSpec(spec, undefined, false, scaleUnit);
}

export const trainCommand: CliCommand = {
  name: 'train',
  usage: 'train --image a.tif --labels a_labels.tif [--image … --labels …] [--features all|light|<spec>|<file.json>] [--scale-unit pixels|physical] [--channels 0,2] [--trees 100] [--seed 0] [--max-depth D] [--min-samples-leaf N] [--threads N] [--force] [--json] -o project.pixelclass.json',
  help: `Builds a project from images and their label images (0 = unlabelled, 1..N = classes), trains the random
forest and writes the project and its model cache (<name>.pixelclass.model), each atomically. Images may live
anywhere; the project stores them relative to its folder (../ when outside it).

Options:
  --image FILE, --labels FILE  an image and its label image (same t, z, y, x; one channel); repeat for more images
  -o, --output FILE            the project to write (*.pixelclass.json)
  --features SPEC              all (default), light, <id>:<σ>,<σ>;…, or a .json selection or project
  --scale-unit pixels|physical σ in pixels (default) or in µm: σ / pixel size per axis, from each image's
                               metadata (saved as "scaleUnit" in the project)
  --channels LIST              0-based input channels that feed the features, e.g. 0,2 (saved as
                               "featureChannels"; default: all but alpha)
  --trees N                    trees of the forest (default 100)
  --seed N                     random seed (default 0)
  --max-depth D, --min-samples-leaf N
  --threads N                  worker threads (default: all cores; 0 = main thread)
  --force                      replace an existing project that was not produced from these inputs
  --json                       a JSON summary on stdout (progress stays on stderr)

An existing project is replaced only when it holds exactly what this run would write apart from provenance
(same images by path and sha256, same labels pixel for pixel, same classes, features, classifier and export
settings), so re-running a command is harmless; otherwise train refuses without --force.`,
  async run(argv: string[], io: CliIo): Promise<number> {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          image: { type: 'string', multiple: true },
          labels: { type: 'string', multiple: true },
          features: { type: 'string' },
          'scale-unit': { type: 'string' },
          channels: { type: 'string' },
          trees: { type: 'string' },
          seed: { type: 'string' },
          'max-depth': { type: 'string' },
          'min-samples-leaf': { type: 'string' },
          threads: { type: 'string' },
          force: { type: 'boolean' },
          json: { type: 'boolean' },
          output: { type: 'string', short: 'o' },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      throw toUsageError(error);
    }
    const images = values.image ?? [];
    const labelFiles = values.labels ?? [];
    if (images.length === 0) throw new UsageError('give at least one --image with its --labels');
    if (images.length !== labelFiles.length) throw new UsageError(`got ${images.length} --image but ${labelFiles.length} --labels; give them in pairs`);
    if (!values.output) throw new UsageError('-o <project.pixelclass.json> is required');
    const trees = parseIntegerOption(values.trees, '--trees', 1, 100000) ?? 100;
    const seed = parseIntegerOption(values.seed, '--seed', 0, 0xffffffff) ?? 0;
    const maxDepth = parseIntegerOption(values['max-depth'], '--max-depth', 1, 10000);
    const minSamplesLeaf = parseIntegerOption(values['min-samples-leaf'], '--min-samples-leaf', 1, 1e9);
    const threads = parseIntegerOption(values.threads, '--threads', 0, 1024);
    const scaleUnit = values['scale-unit'] === undefined ? undefined : parseScaleUnit(values['scale-unit']);
    const selection = await loadFeatureSelection(values.features ?? 'all', io.cwd, scaleUnit);
    if (scaleUnit === 'physical') selection.scaleUnit = 'physical';
    else if (scaleUnit === 'pixels') delete selection.scaleUnit;
    if (values.channels !== undefined) selection.featureChannels = parseChannelList(values.channels);

    const projectFile = path.resolve(io.cwd, values.output);
    const projectDir = path.dirname(projectFile);
    let existing: PixelClassifierProject | undefined;
    if (existsSync(projectFile)) {
      // Never overwrite something that is not a project (or a malformed one, which the user may want to fix).
      try {
        existing = parseProject(await fs.readFile(projectFile, 'utf8'), projectFile);
      } catch (error) {
        io.stderr(`pixel-classifier train: refusing to overwrite ${values.output}: ${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
      }
    }
    const project = createProject(selection, extensionVersion(io.env), 0);
    project.classifier = { trees, seed, ...(maxDepth !== undefined ? { maxDepth } : {}), ...(minSamplesLeaf !== undefined ? { minSamplesLeaf } : {}) };
    const volumes: { relative: string; volume: LabelStore }[] = [];
    let maxClass = 0;
    for (let i = 0; i < images.length; i++) {
      const imageFile = path.resolve(io.cwd, images[i]);
      const source = await openImage(imageFile).catch((error) => { throw error instanceof ImageError ? new Error(error.message) : error; });
      const { shape, dtype } = source.info;
      await source.close();
      const relative = toProjectRelative(projectDir, imageFile, ANYWHERE);
      if (project.images.some((im) => im.path === relative)) throw new UsageError(`${images[i]} is given twice`);
      const volume = await readLabelImage(path.resolve(io.cwd, labelFiles[i]), shape);
      maxClass = Math.max(maxClass, volume.maxClass());
      project.images.push({ path: relative, sha256: await sha256File(imageFile), shape: { ...shape }, dtype });
      volumes.push({ relative, volume });
    }
    if (maxClass < 2) throw new Error(`the label images contain ${maxClass === 0 ? 'no labels' : 'only class 1'}; label at least two classes (values 1..N, 0 = unlabelled)`);
    project.classes = Array.from({ length: maxClass }, (_, k) => defaultClass(k + 1));
    for (const { relative, volume } of volumes) setProjectLabels(project, relative, volume);
    const difference = existing && authoredDifference(existing, project);
    if (difference && !values.force) {
      io.stderr(`pixel-classifier train: refusing to overwrite ${values.output}: it was not produced from these inputs (${difference}); give --force to replace it\n`);
      return 1;
    }
    await fs.mkdir(projectDir, { recursive: true });

    const pool = createCliPool(threads, io);
    const started = performance.now();
    const progress = new ProgressReporter({ write: io.stderr, isTTY: io.stderrIsTTY === true, columns: io.columns, now: io.now });
    try {
      const { forest, samples, nFeatures } = await trainProjectForest(project, projectFile, {
        pool, allowedRoots: ANYWHERE, onProgress: (message) => progress.step(message),
        onBlocks: ({ image, index, total, done, blocks }) => progress.update({
          input: image, index, total, fileFraction: done / blocks, fraction: (index + done / blocks) / total, blocks: { done, total: blocks },
        }),
      });
      progress.clear();
      const hash = trainingHash(project);
      const forestBytes = serializeForest(forest);
      project.provenance = {
        extensionVersion: extensionVersion(io.env),
        lastTrained: new Date().toISOString(),
        ...(Number.isFinite(forest.oobError) ? { oobError: forest.oobError } : {}),
        trainingHash: hash,
      };
      await writeFileAtomic(modelCachePath(projectFile), encodeModelCache(hash, forestBytes));
      await writeProject(projectFile, project);
      const summary = {
        project: projectFile,
        model: modelCachePath(projectFile),
        images: project.images.length,
        classes: project.classes.length,
        samples,
        features: nFeatures,
        trees: forest.trees.length,
        oobError: Number.isFinite(forest.oobError) ? forest.oobError : null,
        seconds: (performance.now() - started) / 1000,
      };
      io.stdout(values.json ? `${JSON.stringify(summary, null, 2)}\n`
        : `trained ${summary.trees} trees on ${samples} labelled pixels × ${nFeatures} features (${summary.classes} classes), OOB error ${summary.oobError === null ? 'n/a' : summary.oobError.toFixed(4)}\nwrote ${path.relative(io.cwd, projectFile) || projectFile} and ${path.relative(io.cwd, summary.model)}\n`);
      return 0;
    } finally {
      progress.clear();
      pool?.dispose();
    }
  },
};
