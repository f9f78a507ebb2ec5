/**
 * The `rdf.yaml` of a bioimage.io model package (format 0.5) for an exported classifier: one input `raw`
 * (batch, channel, [z,] y, x; sizes `min + n·step`), one output `probabilities` (batch, channel = classes,
 * the same spatial sizes as the input with the feature halo), ONNX weights, test tensors, cover, README, and
 * the training provenance under `config.pixel_classifier`.
 */
import type { YamlValue } from './yamlWriter';

/** bioimage.io model description format version written. */
export const BIOIMAGEIO_FORMAT_VERSION = '0.5.3';

/** A file inside the package with its sha256 (lowercase hex). */
export interface PackagedFile {
  source: string;
  sha256: string;
}

/** Everything the description says. */
export interface BioimageioModelInfo {
  name: string;
  description: string;
  authors: string[];
  license: string;
  spatialDims: 2 | 3;
  inputChannelNames: string[];
  classNames: string[];
  /** Smallest valid size per spatial axis (z only in 3D), in pixels. */
  minSize: { z?: number; y: number; x: number };
  halo: { z?: number; y: number; x: number };
  weights: PackagedFile & { opsetVersion: number };
  testInput: PackagedFile;
  testOutput: PackagedFile;
  cover: PackagedFile;
  documentation: PackagedFile;
  /** ISO 8601 time of the training. */
  timestamp: string;
  tags: string[];
  /** Free-form provenance (config.pixel_classifier). */
  provenance: Record<string, YamlValue>;
}

/** A bioimage.io identifier from free text: letters, digits and underscores, not starting with a digit. */
export function toIdentifier(text: string, fallback: string): string {
  let id = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (id === '') id = fallback;
  if (/^[0-9]/.test(id)) id = `_${id}`;
  return id;
}

/** Unique identifiers for a list of names (a suffix `_2`, `_3` … on repeats). */
export function uniqueIdentifiers(names: string[], prefix: string): string[] {
  const seen = new Set<string>();
  return names.map((name, i) => {
    const base = toIdentifier(name, `${prefix}${i}`);
    let id = base;
    for (let n = 2; seen.has(id); n++) id = `${base}_${n}`;
    seen.add(id);
    return id;
  });
}

/** The description as plain data (write it with toYaml). */
export function bioimageioRdf(info: BioimageioModelInfo): { [key: string]: YamlValue } {
  const spatial = info.spatialDims === 3 ? (['z', 'y', 'x'] as const) : (['y', 'x'] as const);
  const inputAxes: YamlValue[] = [
    { type: 'batch', size: 1 },
    { type: 'channel', channel_names: uniqueIdentifiers(info.inputChannelNames, 'channel') },
    ...spatial.map((id) => ({ type: 'space', id, size: { min: info.minSize[id]!, step: 1 }, description: 'pixels (σ of the features are in pixels)' })),
  ];
  const outputAxes: YamlValue[] = [
    { type: 'batch', size: 1 },
    { type: 'channel', channel_names: uniqueIdentifiers(info.classNames, 'class') },
    ...spatial.map((id) => ({ type: 'space', id, size: { tensor_id: 'raw', axis_id: id }, halo: info.halo[id] ?? 0 })),
  ];
  return {
    type: 'model',
    format_version: BIOIMAGEIO_FORMAT_VERSION,
    name: info.name,
    description: info.description,
    authors: info.authors.map((name) => ({ name })),
    cite: [
      { text: 'Berg, S. et al. ilastik: interactive machine learning for (bio)image analysis. Nature Methods 16, 1226–1232 (2019). The filter bank and workflow this random forest reproduces.', doi: '10.1038/s41592-019-0582-9' },
      { text: 'Breiman, L. Random Forests. Machine Learning 45, 5–32 (2001).', doi: '10.1023/A:1010933404324' },
    ],
    license: info.license,
    tags: info.tags,
    documentation: info.documentation.source,
    covers: [info.cover.source],
    timestamp: info.timestamp,
    inputs: [{
      id: 'raw',
      description: `raw intensities, ${info.inputChannelNames.length} channel(s), not normalised`,
      axes: inputAxes,
      test_tensor: { source: info.testInput.source, sha256: info.testInput.sha256 },
      data: { type: 'float32' },
      preprocessing: [{ id: 'ensure_dtype', kwargs: { dtype: 'float32' } }],
    }],
    outputs: [{
      id: 'probabilities',
      description: 'class probabilities (mean of the trees\' leaf distributions), summing to 1',
      axes: outputAxes,
      test_tensor: { source: info.testOutput.source, sha256: info.testOutput.sha256 },
      data: { type: 'float32', range: [0, 1] },
    }],
    weights: {
      onnx: {
        source: info.weights.source,
        sha256: info.weights.sha256,
        opset_version: info.weights.opsetVersion,
        comment: 'ilastik-style features (Pad reflect + Conv with the exact sampled Gaussian kernels, closed-form eigenvalues) and the random forest as ai.onnx.ml TreeEnsembleClassifier (ai.onnx.ml opset 3) in one graph',
      },
    },
    config: { pixel_classifier: info.provenance },
  };
}
