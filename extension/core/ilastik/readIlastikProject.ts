/**
 * Reads what a Pixel Classifier project can take over from an ilastik Pixel Classification project (`.ilp`,
 * an HDF5 file; layout in ../shared/reference/ilastik-project-format.md): classes, the feature selection, the
 * lanes (images) with their label blocks, and the export settings — and lists everything that cannot come over.
 * Pure: works on the {@link Hdf5File} view; resolving image files and writing the project is the importer's job.
 */
import { FEATURE_IDS, type FeatureId, type FeatureSelection } from '../features/featureSet';
import type { Hdf5Dataset, Hdf5File, Hdf5Group } from '../hdf5/hdf5Tree';
import { hdf5Numbers, hdf5Text, hdf5TextList } from '../hdf5/hdf5Tree';
import { parseAxisTags, type AxisTag } from '../image/axistags';

/** A file that is not a usable ilastik Pixel Classification project; the message names it. */
export class IlastikProjectError extends Error {
  constructor(readonly fileName: string, readonly reason: string) {
    super(`${fileName}: ${reason}`);
    this.name = 'IlastikProjectError';
  }
}

/** One labelled block of a lane. */
export interface IlastikLabelBlock {
  /** Dataset path inside the .ilp (for messages). */
  path: string;
  /** Axes of the block's dimensions (its own axistags, else the lane's). */
  axes: AxisTag['key'][];
  /** `[start, stop)` per dimension in image coordinates, in `axes` order. */
  box: [number, number][];
  /** Reads the block's values (row-major in `axes` order; 0 = unlabelled, k = class k). */
  read(): Uint8Array;
}

/** One image ("lane") of the project. */
export interface IlastikLane {
  /** `lane0000`, … */
  name: string;
  nickname: string;
  location: 'FileSystem' | 'ProjectInternal';
  /** FileSystem: the stored path (relative to the .ilp folder or absolute, maybe with an HDF5 dataset path). */
  filePath: string;
  /** ProjectInternal: the dataset inside the .ilp holding the image. */
  internalDataset?: Hdf5Dataset;
  /** Axes of the raw data in storage order (from axistags or axisorder), when stored. */
  axes?: AxisTag[];
  /** Shape stored with the lane (newer files), in `axes` order. */
  shape?: number[];
  labelBlocks: IlastikLabelBlock[];
}

/** What {@link readIlastikProject} returns. */
export interface IlastikProject {
  ilastikVersion: string;
  classes: { name: string; color: string }[];
  features: FeatureSelection;
  lanes: IlastikLane[];
  export: { filenameFormat?: string; format?: string; internalPath?: string };
  /** One sentence per thing that does not come over (never silently dropped). */
  notImported: string[];
}

const hex = (n: number) => Math.max(0, Math.min(255, Math.round(n))).toString(16).padStart(2, '0');

function group(node: Hdf5Group | Hdf5Dataset | undefined): Hdf5Group | undefined {
  return node?.kind === 'group' ? node : undefined;
}

function dataset(node: Hdf5Group | Hdf5Dataset | undefined): Hdf5Dataset | undefined {
  return node?.kind === 'dataset' ? node : undefined;
}

function text(g: Hdf5Group | undefined, name: string): string | undefined {
  const d = dataset(g?.get(name));
  return d ? hdf5Text(d.read()) : undefined;
}

/** Parses ilastik's blockSlice `[329:396,288:494,0:1]`. */
export function parseBlockSlice(s: string): [number, number][] | undefined {
  const m = /^\[(.*)\]$/.exec(s.trim());
  if (!m) return undefined;
  const out: [number, number][] = [];
  for (const part of m[1].split(',')) {
    const r = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(part);
    if (!r) return undefined;
    out.push([Number(r[1]), Number(r[2])]);
  }
  return out;
}

/**
 * Reads an opened `.ilp`.
 * @throws IlastikProjectError (one line naming the file) for other workflows and damaged projects
 */
export function readIlastikProject(file: Hdf5File): IlastikProject {
  const fail = (reason: string): never => { throw new IlastikProjectError(file.name, reason); };
  const notImported: string[] = [];
  const workflow = text(file, 'workflowName');
  if (workflow === undefined) fail('not an ilastik project (no workflowName)');
  if (workflow !== 'Pixel Classification') fail(`is an ilastik "${workflow}" project; only Pixel Classification projects can be imported`);
  const ilastikVersion = text(file, 'ilastikVersion') ?? 'unknown';

  // Classes.
  const pc = group(file.get('PixelClassification')) ?? fail('has no PixelClassification group (damaged project)');
  const names = hdf5TextList(dataset(pc.get('LabelNames'))?.read());
  const colorValues = hdf5Numbers(dataset(pc.get('LabelColors'))?.read());
  const classes = names.map((name, i) => {
    const rgb = colorValues.length >= 3 * (i + 1) ? colorValues.slice(3 * i, 3 * i + 3) : undefined;
    return { name: name || `Label ${i + 1}`, color: rgb ? `#${rgb.map(hex).join('')}` : '' };
  });

  // Features.
  const fs = group(file.get('FeatureSelections'));
  const ids = hdf5TextList(dataset(fs?.get('FeatureIds'))?.read());
  const scales = hdf5Numbers(dataset(fs?.get('Scales'))?.read());
  const matrix = hdf5Numbers(dataset(fs?.get('SelectionMatrix'))?.read());
  const in2d = hdf5Numbers(dataset(fs?.get('ComputeIn2d'))?.read());
  const features: FeatureSelection = {
    scales: scales.map((sigma, i) => ({ sigma, in2D: in2d[i] === 1 })),
    selected: Object.fromEntries(FEATURE_IDS.map((id) => [id, scales.map(() => false)])) as Record<FeatureId, boolean[]>,
  };
  if (fs && matrix.length !== ids.length * scales.length) fail(`FeatureSelections/SelectionMatrix has ${matrix.length} entries for ${ids.length} features × ${scales.length} scales (damaged project)`);
  ids.forEach((id, row) => {
    if (!(FEATURE_IDS as readonly string[]).includes(id)) {
      if (matrix.slice(row * scales.length, (row + 1) * scales.length).some((v) => v)) notImported.push(`feature "${id}" is not one of ilastik's standard filters and is left out`);
      return;
    }
    features.selected[id as FeatureId] = scales.map((_, col) => matrix[row * scales.length + col] === 1);
  });
  if (!fs) notImported.push('the project has no feature selection; none is selected');

  // Lanes.
  const infos = group(file.get('Input Data/infos'));
  const laneNames = (infos?.keys() ?? []).filter((k) => /^lane\d+$/.test(k)).sort();
  const labelSets = group(pc.get('LabelSets'));
  const labelSetNames = (labelSets?.keys() ?? []).filter((k) => /^labels\d+$/.test(k)).sort();
  const lanes: IlastikLane[] = laneNames.map((laneName, index) => {
    const raw = group(infos!.get(`${laneName}/Raw Data`)) ?? fail(`Input Data/infos/${laneName} has no Raw Data (damaged project)`);
    const location = text(raw, 'location');
    if (location !== 'FileSystem' && location !== 'ProjectInternal') fail(`${laneName}: unknown data location "${location ?? ''}"`);
    const nickname = text(raw, 'nickname') ?? laneName;
    const filePath = text(raw, 'filePath') ?? fail(`${laneName} (${nickname}) has no filePath (damaged project)`);
    const tags = text(raw, 'axistags') ?? text(raw, 'axisorder');
    let axes: AxisTag[] | undefined;
    if (tags) {
      try {
        axes = parseAxisTags(tags);
      } catch (e) {
        fail(`${laneName} (${nickname}): ${(e as Error).message}`);
      }
    }
    const shapeNumbers = hdf5Numbers(dataset(raw.get('shape'))?.read());
    let internalDataset: Hdf5Dataset | undefined;
    if (location === 'ProjectInternal') {
      internalDataset = dataset(file.get(filePath.replace(/^\/+/, ''))) ?? fail(`${laneName} (${nickname}): the embedded image ${filePath} is missing (damaged project)`);
    }
    const mask = group(infos!.get(`${laneName}/Prediction Mask`));
    if (mask && mask.keys().length > 0 && text(mask, 'filePath')) notImported.push(`${nickname}: its prediction mask is not used (masks are not supported)`);
    const labelGroup = labelSets ? group(labelSets.get(labelSetNames[index] ?? '')) : undefined;
    const laneAxes = axes?.map((a) => a.key);
    const labelBlocks: IlastikLabelBlock[] = [];
    for (const blockName of (labelGroup?.keys() ?? []).filter((k) => /^block\d+$/.test(k)).sort()) {
      const block = dataset(labelGroup!.get(blockName));
      if (!block) continue;
      const where = `${labelGroup!.path}/${blockName}`;
      const slice = hdf5Text(block.attribute('blockSlice'));
      const box = slice ? parseBlockSlice(slice) : undefined;
      if (!box) fail(`${where}: missing or malformed blockSlice ${JSON.stringify(slice ?? null)}`);
      const own = hdf5Text(block.attribute('axistags'));
      let blockAxes: AxisTag['key'][] | undefined = laneAxes;
      if (own) {
        try {
          blockAxes = parseAxisTags(own).map((a) => a.key);
        } catch (e) {
          fail(`${where}: ${(e as Error).message}`);
        }
      }
      if (!blockAxes) fail(`${where}: neither the block nor its lane says which axis is which`);
      if (blockAxes!.length !== box!.length || box!.length !== block.shape.length) {
        fail(`${where}: blockSlice ${slice} has ${box!.length} dimensions, the block ${block.shape.length}, its axes ${blockAxes!.join('')}`);
      }
      box!.forEach(([a, b], i) => {
        if (b - a !== block.shape[i]) fail(`${where}: blockSlice ${slice} does not match the block's shape ${block.shape.join('×')}`);
      });
      if (!['uint8', 'uint16', 'uint32', 'int8', 'int16', 'int32', 'uint64', 'int64', 'float32'].includes(block.dtype)) fail(`${where}: label values of type ${block.dtype}`);
      labelBlocks.push({
        path: where,
        axes: blockAxes!,
        box: box!,
        read: () => {
          const values = block.read();
          const n = hdf5Numbers(values);
          const out = new Uint8Array(n.length);
          for (let i = 0; i < n.length; i++) {
            const v = n[i];
            if (!(v >= 0 && v <= 255 && Number.isInteger(v))) throw new IlastikProjectError(file.name, `${where}: label value ${v} is not a class number`);
            out[i] = v;
          }
          return out;
        },
      });
    }
    return { name: laneName, nickname, location: location as IlastikLane['location'], filePath, internalDataset, axes, shape: shapeNumbers.length ? shapeNumbers : undefined, labelBlocks };
  });
  if (laneNames.length === 0) notImported.push('the project has no images (lanes)');

  // What stays behind.
  if (group(pc.get('ClassifierForests'))) notImported.push("ilastik's trained random forest is not imported: the classifier is retrained from the labels (seeded, reproducible)");
  const bookmarks = group(pc.get('Bookmarks'));
  if (bookmarks && bookmarks.keys().length > 0) notImported.push('bookmarks are not imported');
  const exportGroup = group(file.get('Prediction Export'));
  const exportSettings = {
    filenameFormat: text(exportGroup, 'OutputFilenameFormat'),
    format: text(exportGroup, 'OutputFormat'),
    internalPath: text(exportGroup, 'OutputInternalPath'),
  };
  for (const key of file.keys()) {
    if (!['workflowName', 'ilastikVersion', 'time', 'currentApplet', 'ProjectMetadata', 'FeatureSelections', 'Input Data', 'PixelClassification', 'Prediction Export'].includes(key)) {
      notImported.push(`the "${key}" section is not imported`);
    }
  }
  return { ilastikVersion, classes, features, lanes, export: exportSettings, notImported };
}
