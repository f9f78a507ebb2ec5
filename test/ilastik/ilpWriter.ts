/**
 * Writes `.ilp` files with ilastik's Pixel Classification layout (../shared/reference/ilastik-project-format.md)
 * using h5wasm, for the import tests: every field the importer reads, in the forms ilastik uses (axistags JSON
 * with x before y in older projects, blockSlice strings, int64 colours, ProjectInternal images).
 */
import h5wasm from 'h5wasm/node';

type Axes = string; // e.g. 'yxc', 'txyzc'

export interface IlpLane {
  nickname: string;
  /** FileSystem path (relative to the .ilp or absolute, may end in an HDF5 dataset path) … */
  filePath?: string;
  /** … or an embedded image: data in `axes` order. */
  internal?: { data: Uint8Array | Uint16Array; shape: number[] };
  /** Axes of the raw data in storage order. */
  axes: Axes;
  /** Use the old `axisorder` string instead of axistags JSON. */
  axisorder?: boolean;
  /** Label blocks: start per axis (in `blockAxes` or `axes` order), shape, values. */
  blocks?: { start: number[]; shape: number[]; values: Uint8Array; blockAxes?: Axes }[];
}

export interface IlpSpec {
  workflow?: string;
  labelNames?: string[];
  labelColors?: number[][];
  scales?: number[];
  /** Rows: ilastik's six feature ids in order; columns: scales. */
  selection?: boolean[][];
  computeIn2d?: boolean[];
  lanes: IlpLane[];
  export?: { filenameFormat?: string; format?: string; internalPath?: string };
  /** Add a ClassifierForests group (ilastik's trained forest). */
  withForest?: boolean;
}

export const ILASTIK_FEATURE_IDS = ['GaussianSmoothing', 'LaplacianOfGaussian', 'GaussianGradientMagnitude', 'DifferenceOfGaussians', 'StructureTensorEigenvalues', 'HessianOfGaussianEigenvalues'];

type WithAttrs = { create_attribute(name: string, value: string): void };
const node = (f: InstanceType<typeof h5wasm.File>, name: string) => f.get(name) as unknown as WithAttrs;

function axistags(axes: Axes): string {
  const flags: Record<string, number> = { c: 1, x: 2, y: 2, z: 2, t: 8 };
  return JSON.stringify({ axes: [...axes].map((key) => ({ key, typeFlags: flags[key], resolution: 0, description: '' })) });
}

/** Writes the .ilp described by `spec` to `file`. */
export async function writeIlp(file: string, spec: IlpSpec): Promise<void> {
  await h5wasm.ready;
  const f = new h5wasm.File(file, 'w');
  try {
    f.create_dataset({ name: 'workflowName', data: spec.workflow ?? 'Pixel Classification' });
    f.create_dataset({ name: 'ilastikVersion', data: '1.4.0' });
    f.create_dataset({ name: 'time', data: 'Sun Dec  6 12:00:00 2026' });
    const scales = spec.scales ?? [0.3, 0.7, 1.0, 1.6, 3.5, 5.0, 10.0];
    const selection = spec.selection ?? ILASTIK_FEATURE_IDS.map((id) => scales.map((s) => id === 'GaussianSmoothing' || s >= 0.7));
    f.create_group('FeatureSelections');
    f.create_dataset({ name: 'FeatureSelections/FeatureIds', data: ILASTIK_FEATURE_IDS });
    f.create_dataset({ name: 'FeatureSelections/Scales', data: new Float64Array(scales) });
    f.create_dataset({ name: 'FeatureSelections/SelectionMatrix', data: new Uint8Array(selection.flat().map(Number)), shape: [selection.length, scales.length] });
    if (spec.computeIn2d) f.create_dataset({ name: 'FeatureSelections/ComputeIn2d', data: new Uint8Array(spec.computeIn2d.map(Number)) });
    f.create_dataset({ name: 'FeatureSelections/StorageVersion', data: '0.1' });
    f.create_group('Input Data');
    f.create_dataset({ name: 'Input Data/Role Names', data: ['Raw Data', 'Prediction Mask'] });
    f.create_group('Input Data/infos');
    f.create_group('Input Data/local_data');
    f.create_group('PixelClassification');
    f.create_group('PixelClassification/LabelSets');
    const names = spec.labelNames ?? ['Label 1', 'Label 2'];
    f.create_dataset({ name: 'PixelClassification/LabelNames', data: names });
    const colors = spec.labelColors ?? [[255, 255, 0], [0, 0, 255]];
    f.create_dataset({ name: 'PixelClassification/LabelColors', data: new BigInt64Array(colors.flat().map(BigInt)), shape: [colors.length, 3] });
    f.create_dataset({ name: 'PixelClassification/PmapColors', data: new BigInt64Array(colors.flat().map(BigInt)), shape: [colors.length, 3] });
    if (spec.withForest) {
      f.create_group('PixelClassification/ClassifierForests');
      f.create_dataset({ name: 'PixelClassification/ClassifierForests/Forest0000', data: new Uint8Array([1, 2, 3]) });
    }
    spec.lanes.forEach((lane, index) => {
      const laneName = `lane${String(index).padStart(4, '0')}`;
      const raw = `Input Data/infos/${laneName}/Raw Data`;
      f.create_group(`Input Data/infos/${laneName}`);
      f.create_group(raw);
      f.create_group(`Input Data/infos/${laneName}/Prediction Mask`);
      f.create_dataset({ name: `${raw}/nickname`, data: lane.nickname });
      f.create_dataset({ name: `${raw}/datasetId`, data: `id-${index}` });
      if (lane.axisorder) f.create_dataset({ name: `${raw}/axisorder`, data: lane.axes });
      else f.create_dataset({ name: `${raw}/axistags`, data: axistags(lane.axes) });
      if (lane.internal) {
        f.create_dataset({ name: `${raw}/location`, data: 'ProjectInternal' });
        f.create_dataset({ name: `${raw}/filePath`, data: `/Input Data/local_data/id-${index}` });
        f.create_dataset({ name: `Input Data/local_data/id-${index}`, data: lane.internal.data, shape: lane.internal.shape });
        node(f, `Input Data/local_data/id-${index}`).create_attribute('axistags', axistags(lane.axes));
      } else {
        f.create_dataset({ name: `${raw}/location`, data: 'FileSystem' });
        f.create_dataset({ name: `${raw}/filePath`, data: lane.filePath ?? '' });
      }
      const set = `PixelClassification/LabelSets/labels${String(index).padStart(3, '0')}`;
      f.create_group(set);
      (lane.blocks ?? []).forEach((block, b) => {
        const name = `${set}/block${String(b).padStart(4, '0')}`;
        f.create_dataset({ name, data: block.values, shape: block.shape });
        const ds = node(f, name);
        ds.create_attribute('blockSlice', `[${block.start.map((s, i) => `${s}:${s + block.shape[i]}`).join(',')}]`);
        if (block.blockAxes) ds.create_attribute('axistags', axistags(block.blockAxes));
      });
    });
    f.create_group('Prediction Export');
    const ex = spec.export ?? { filenameFormat: '{dataset_dir}/{nickname}_{result_type}', format: 'hdf5', internalPath: 'exported_data' };
    if (ex.filenameFormat) f.create_dataset({ name: 'Prediction Export/OutputFilenameFormat', data: ex.filenameFormat });
    if (ex.format) f.create_dataset({ name: 'Prediction Export/OutputFormat', data: ex.format });
    if (ex.internalPath) f.create_dataset({ name: 'Prediction Export/OutputInternalPath', data: ex.internalPath });
  } finally {
    f.close();
  }
}

/** Writes an HDF5 image (`exported_data` with axistags) like ilastik's exports. */
export async function writeH5Image(file: string, data: Uint8Array | Uint16Array | Float32Array, shape: number[], axes: Axes, dataset = 'exported_data'): Promise<void> {
  await h5wasm.ready;
  const f = new h5wasm.File(file, 'w');
  try {
    f.create_dataset({ name: dataset, data, shape, chunks: shape.map((s, i) => (i === shape.length - 1 ? s : Math.min(s, 64))), compression: 'gzip', compression_opts: 4 });
    node(f, dataset).create_attribute('axistags', axistags(axes));
  } finally {
    f.close();
  }
}
