/**
 * The bioimage.io model package (issue 17, format 0.5) of a project's classifier: a zip with `rdf.yaml`, the
 * ONNX weights, a test input cut from the first labelled image and the expected output (our own prediction of
 * that crop, as `.npy`), a cover image (input | prediction, 2:1) and a README with axes, halo, pixel-size
 * notes and the training provenance. The description is checked against the rules of
 * validateBioimageioRdf.ts before anything is written.
 */
import { createSha256 } from '../core/platform/platform';
import * as path from 'node:path';
import { encode as encodePngRgb } from 'fast-png';
import { zipSync } from 'fflate';
import { bioimageioRdf, BIOIMAGEIO_FORMAT_VERSION, uniqueIdentifiers } from '../core/bioimageio/bioimageioRdf';
import { encodeNpyFloat32 } from '../core/bioimageio/npyWriter';
import { validateBioimageioPackage } from '../core/bioimageio/validateBioimageioRdf';
import { toYaml } from '../core/bioimageio/yamlWriter';
import type { Box } from '../core/features/box';
import { computeFeatures } from '../core/features/computeFeatureBlock';
import { featureChannels } from '../core/features/featureSet';
import { predictProbabilities } from '../core/forest/index';
import type { ClassifierOnnx } from '../core/onnx/classifierOnnx';
import { ONNX_OPSET } from '../core/onnx/classifierOnnx';
import { openImage } from '../node/openImage';
import { resolveProjectPath } from '../project/projectPaths';
import type { PixelClassifierProject } from '../project/projectSchema';
import { trainingProvenance, type ModelGeometry } from './modelGeometry';
import { readSourceBlock } from '../core/image/readSourceBlock';
import type { ProjectClassifier } from './trainProject';

/** Largest test crop along y and x (pixels), and along z. */
const TEST_CROP_XY = 128;
const TEST_CROP_Z = 16;

/** What {@link buildBioimageioPackage} needs. */
export interface BioimageioPackageOptions {
  project: PixelClassifierProject;
  projectFile: string;
  classifier: ProjectClassifier;
  geometry: ModelGeometry;
  onnx: ClassifierOnnx;
  /** Folders image paths may resolve into. */
  roots: string[];
  producerVersion: string;
  /** Author names (rdf `authors`). */
  authors: string[];
  /** SPDX license id of the model. */
  license: string;
}

const sha256 = (bytes: Uint8Array): string => createSha256().update(bytes).digest();

/** Smallest valid input size per spatial axis: every reflect pad shorter than the axis, and room for the halo. */
export function minimumInputSize(geometry: ModelGeometry): { z?: number; y: number; x: number } {
  const { halo } = geometry;
  return { ...(geometry.spatialDims === 3 ? { z: 2 * halo.z + 1 } : {}), y: 2 * halo.y + 1, x: 2 * halo.x + 1 };
}

function hexColor(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : [128, 128, 128];
}

/**
 * Cover (2:1, as bioimage.io recommends): the central square of the input's middle slice (1st–99th percentile
 * stretch) beside the prediction in class colours, shaded by confidence.
 */
function coverPng(input: Float32Array, probabilities: Float32Array, crop: Box, colors: string[]): Uint8Array {
  const { ny, nx, nz } = crop;
  const side = Math.min(ny, nx), oy = Math.floor((ny - side) / 2), ox = Math.floor((nx - side) / 2);
  const plane = ny * nx;
  const z = Math.floor(nz / 2);
  const raw = input.subarray(z * plane, (z + 1) * plane);
  const sorted = Float32Array.from(raw).sort();
  const lo = sorted[Math.floor(0.01 * (sorted.length - 1))], hi = sorted[Math.floor(0.99 * (sorted.length - 1))];
  const K = colors.length, n = nz * plane;
  const rgb = colors.map(hexColor);
  const data = new Uint8Array(side * 2 * side * 3);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const i = (y + oy) * nx + x + ox;
      const grey = hi > lo ? Math.max(0, Math.min(255, Math.round((255 * (raw[i] - lo)) / (hi - lo)))) : 128;
      const left = (y * 2 * side + x) * 3;
      data[left] = data[left + 1] = data[left + 2] = grey;
      let best = 0;
      for (let k = 1; k < K; k++) if (probabilities[k * n + z * plane + i] > probabilities[best * n + z * plane + i]) best = k;
      const p = probabilities[best * n + z * plane + i];
      const right = (y * 2 * side + side + x) * 3;
      for (let ch = 0; ch < 3; ch++) data[right + ch] = Math.round(rgb[best][ch] * (0.35 + 0.65 * p));
    }
  }
  return encodePngRgb({ width: 2 * side, height: side, data, channels: 3, depth: 8 });
}

function readme(options: BioimageioPackageOptions, crop: Box, minSize: { z?: number; y: number; x: number }, provenance: Record<string, string>): string {
  const { project, geometry, onnx, classifier } = options;
  const spatial = geometry.spatialDims === 3 ? 'z, y, x' : 'y, x';
  const pixelSizeNote = (p: PixelClassifierProject, g: ModelGeometry, sigmas: number[]): string => {
    if (p.features.scaleUnit !== 'physical') {
      return `The filters are defined in pixels (σ = ${sigmas.join(', ')} pixels, isotropic${g.spatialDims === 3 ? ', z spacing assumed equal to x/y' : ''}).`;
    }
    // Physical units (issue #15): the graph holds the per-axis pixel sigmas of the reference image.
    const axes = g.spatialDims === 3 ? ['z', 'y', 'x'] as const : ['y', 'x'] as const;
    const per = g.selection.scales.filter((s) => s.pixelSigmas && sigmas.includes(s.sigma))
      .map((s) => `${s.sigma} µm → ${axes.map((a) => Number(s.pixelSigmas![a].toPrecision(3))).join(' × ')}`);
    return `The filters were chosen in µm and built for the pixel size of ${g.reference.path} (σ in pixels, ${axes.join(' × ')}: ${per.join('; ')}).`;
  };
  const scales = [...new Set(project.features.scales.filter((_, i) => Object.values(project.features.selected).some((f) => f[i])).map((s) => s.sigma))];
  return `# ${project.classes.map((c) => c.name).join(' / ')}: Pixel Classifier random forest (usage and validation)

A random forest pixel classifier trained with Pixel Classifier (ilastik-style pixel classification in VS Code),
exported as one ONNX graph: raw image → ${onnx.nFeatures} ilastik features → ${onnx.forest.trees} trees → class probabilities.

## Inputs and outputs
- Input \`raw\`: float32, axes batch (1), channel (${geometry.nInputChannels}), ${spatial}. Raw intensities as stored in the image,
  **not normalised** (the forest was trained on raw values; convert integer images to float32 only). Each spatial axis
  needs at least ${geometry.spatialDims === 3 ? `${minSize.z} (z), ` : ''}${minSize.y} (y) and ${minSize.x} (x) pixels.
- Output \`probabilities\`: float32 in [0, 1], axes batch, channel (${project.classes.length} classes: ${project.classes.map((c) => c.name).join(', ')}), ${spatial}
  of the input's size; channel k is class k+1; the channels sum to 1.

## Halo and tiling
Features reach ${geometry.halo.y === geometry.halo.x ? `${geometry.halo.y} pixels in y and x` : `${geometry.halo.y} pixels in y, ${geometry.halo.x} in x`}${geometry.spatialDims === 3 ? ` and ${geometry.halo.z} in z` : ''} (the halo). The model mirrors the image at its
borders exactly as Pixel Classifier and ilastik do, so a whole image predicted at once equals Pixel Classifier's prediction.
When tiling, give each tile this halo on every side and crop it from the output.

## Pixel size
${pixelSizeNote(project, geometry, scales)}
The model has no notion of physical units: apply it to images with the same pixel size (and the same kind of
intensities, e.g. bit depth and exposure) as the training images listed below.
${project.features.featureChannels ? `Only input channel${project.features.featureChannels.length > 1 ? 's' : ''} ${project.features.featureChannels.join(', ')} (0-based) ${project.features.featureChannels.length > 1 ? 'feed' : 'feeds'} the features; the others are ignored.
` : ''}
## Training
- Project: ${provenance.project}, trained ${provenance.last_trained || 'at an unknown time'} (training hash ${classifier.trainingHash.slice(0, 16)}…).
- Random forest: ${classifier.forest.trees.length} trees, seed ${project.classifier.seed}, out-of-bag error ${provenance.oob_error || 'n/a'}.
- Features (${onnx.nFeatures}): ${onnx.featureNames.join('; ')}.
- Training images: ${project.images.filter((i) => project.labels[i.path]).map((i) => `${i.path} (sha256 ${i.sha256.slice(0, 12)}…)`).join(', ')}.
- Exported by Pixel Classifier ${options.producerVersion}.

# Validation
The test input (\`test_input.npy\`) is a ${crop.nz > 1 ? `${crop.nz}×` : ''}${crop.ny}×${crop.nx} crop of ${geometry.reference.path}; \`test_output.npy\` is Pixel
Classifier's own prediction of that crop. Running \`model.onnx\` on the test input with ONNX Runtime reproduces it
(the exporter's tests require the same argmax on ≥ 99.9 % of pixels and a mean |Δp| ≤ 1e-3).
`;
}

/**
 * Builds the package bytes (a zip).
 * @throws Error naming the image when the test crop cannot be read, or listing the broken bioimage.io rules
 */
export async function buildBioimageioPackage(options: BioimageioPackageOptions): Promise<Uint8Array> {
  const { project, projectFile, classifier, geometry, onnx } = options;
  const reference = geometry.reference;
  const minSize = minimumInputSize(geometry);
  const { shape } = reference;
  if (shape.y < minSize.y || shape.x < minSize.x || (geometry.spatialDims === 3 && shape.z < minSize.z!)) {
    throw new Error(`${reference.path} (${shape.z > 1 ? `${shape.z}×` : ''}${shape.y}×${shape.x}) is smaller than the model's minimum input size`);
  }
  // Test crop: centred, as large as allowed, at least the minimum size.
  const size = (n: number, min: number, cap: number) => Math.min(n, Math.max(min, cap));
  const ny = size(shape.y, minSize.y, TEST_CROP_XY), nx = size(shape.x, minSize.x, TEST_CROP_XY);
  const nz = geometry.spatialDims === 3 ? size(shape.z, minSize.z!, TEST_CROP_Z) : 1;
  const crop: Box = { z0: Math.floor((shape.z - nz) / 2), y0: Math.floor((shape.y - ny) / 2), x0: Math.floor((shape.x - nx) / 2), nz, ny, nx };
  const imageFile = resolveProjectPath(path.dirname(projectFile), reference.path, options.roots);
  const source = await openImage(imageFile);
  let input: Float32Array;
  try {
    input = await readSourceBlock(source, 0, crop);
  } finally {
    await source.close();
  }
  const cropShape = { z: nz, y: ny, x: nx };
  const features = computeFeatures(input, cropShape, geometry.selection, { nInputChannels: geometry.nInputChannels });
  const n = nz * ny * nx;
  const probabilities = predictProbabilities(classifier.forest, features, n);
  const spatialShape = geometry.spatialDims === 3 ? [nz, ny, nx] : [ny, nx];
  const provenance = trainingProvenance(project, projectFile, classifier);

  const files = new Map<string, Uint8Array>();
  files.set('model.onnx', onnx.bytes);
  files.set('test_input.npy', encodeNpyFloat32(input, [1, geometry.nInputChannels, ...spatialShape]));
  files.set('test_output.npy', encodeNpyFloat32(probabilities, [1, project.classes.length, ...spatialShape]));
  files.set('cover.png', coverPng(input, probabilities, crop, project.classes.map((c) => c.color)));
  files.set('README.md', new TextEncoder().encode(readme(options, crop, minSize, provenance)));
  const file = (source: string) => ({ source, sha256: sha256(files.get(source)!) });
  const projectName = path.basename(projectFile).replace(/\.pixelclass\.json$/i, '');
  const name = `Pixel Classifier ${projectName}`.replace(/[^A-Za-z0-9_\- ]+/g, '-').slice(0, 64);
  const inputChannelNames = uniqueIdentifiers(Array.from({ length: geometry.nInputChannels }, (_, c) => `channel${c}`), 'channel');
  const rdf = bioimageioRdf({
    name: name.length >= 5 ? name : 'Pixel Classifier model',
    description: `Random forest pixel classifier (${project.classes.map((c) => c.name).join(', ')}) on ${onnx.nFeatures} ilastik-style features, trained with Pixel Classifier; raw ${geometry.spatialDims}D image to class probabilities in one ONNX graph.`,
    authors: options.authors,
    license: options.license,
    spatialDims: geometry.spatialDims,
    inputChannelNames,
    classNames: project.classes.map((c) => c.name),
    minSize,
    halo: geometry.spatialDims === 3 ? { z: geometry.halo.z, y: geometry.halo.y, x: geometry.halo.x } : { y: geometry.halo.y, x: geometry.halo.x },
    weights: { ...file('model.onnx'), opsetVersion: ONNX_OPSET },
    testInput: file('test_input.npy'),
    testOutput: file('test_output.npy'),
    cover: file('cover.png'),
    documentation: file('README.md'),
    timestamp: project.provenance.lastTrained ?? new Date(0).toISOString(),
    tags: ['pixel-classification', 'semantic-segmentation', 'random-forest', 'ilastik', 'onnx', geometry.spatialDims === 3 ? '3d' : '2d'],
    provenance: {
      ...provenance,
      training_images: project.images.filter((i) => project.labels[i.path]).map((i) => ({ path: i.path, sha256: i.sha256 })),
      feature_names: featureChannels(geometry.selection, geometry.nInputChannels, geometry.spatialDims === 3).map((c) => c.name),
      producer: `pixel-classifier ${options.producerVersion}`,
      test_crop: { image: reference.path, t: 0, z: [crop.z0, crop.z0 + nz], y: [crop.y0, crop.y0 + ny], x: [crop.x0, crop.x0 + nx] },
    },
  });
  const problems = validateBioimageioPackage({ rdf, files, sha256 });
  if (problems.length > 0) throw new Error(`the bioimage.io description breaks ${problems.length} rule(s): ${problems.join('; ')}`);
  const yaml = `# bioimage.io model description (format ${BIOIMAGEIO_FORMAT_VERSION}), written by Pixel Classifier\n${toYaml(rdf)}`;
  const entries: Record<string, Uint8Array> = { 'rdf.yaml': new TextEncoder().encode(yaml) };
  for (const [key, bytes] of files) entries[key] = bytes;
  // A fixed time stamp (the training's) so the same classifier gives the same bytes.
  const mtime = project.provenance.lastTrained ? new Date(project.provenance.lastTrained) : new Date(Date.UTC(2000, 0, 1));
  return zipSync(entries, { level: 6, mtime });
}
