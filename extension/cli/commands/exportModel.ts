/**
 * `pixel-classifier export-model --project P.pixelclass.json --format onnx|bioimageio -o model.onnx|model.zip
 * [--author NAME …] [--license SPDX] [--threads N] [--json]` (issue 17): writes the project's classifier as a model
 * any ONNX runtime can run, or as a bioimage.io model package around it (extension/batch/exportModel.ts).
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { exportModel, MODEL_FORMATS, type ModelFormat } from '../../batch/exportModel';
import { UsageError, type CliCommand, type CliIo } from '../cliCommand';
import { createCliPool, extensionVersion, parseIntegerOption, toUsageError } from './predict';

export const exportModelCommand: CliCommand = {
  name: 'export-model',
  usage: `export-model --project P.pixelclass.json --format ${MODEL_FORMATS.join('|')} -o <model.onnx|model.zip> [--author NAME …] [--license SPDX] [--threads N] [--json]`,
  help: `Writes the project's classifier (the model cache, or retrained from the project's labels) as a model other
tools run, built for the geometry of the project's labelled images (2D or 3D, number of channels).

Formats:
  onnx         one ONNX graph (opset 17 + ai.onnx.ml 3): input "raw" float32 [1, C, (Z,) Y, X] of raw
               intensities → output "probabilities" float32 [1, K, (Z,) Y, X]; the features as convolutions
               with our exact kernels, the forest as a TreeEnsembleClassifier
  bioimageio   a bioimage.io model package (format 0.5): rdf.yaml, the ONNX weights, test input/output (.npy),
               cover, README; checked against the bioimage.io 0.5 rules before it is written

Options:
  --project FILE     the *.pixelclass.json to export
  --format FORMAT    onnx (default) or bioimageio
  -o FILE            the model file (.onnx) or package (.zip)
  --author NAME      bioimageio: an author (repeat for several; default "Pixel Classifier user")
  --license SPDX     bioimageio: the model's license (default CC-BY-4.0)
  --threads N        worker threads if the classifier must be retrained (default: all cores; 0 = main thread)
  --json             a JSON summary on stdout`,
  async run(argv: string[], io: CliIo): Promise<number> {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          project: { type: 'string' },
          format: { type: 'string' },
          output: { type: 'string', short: 'o' },
          author: { type: 'string', multiple: true },
          license: { type: 'string' },
          threads: { type: 'string' },
          json: { type: 'boolean' },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      throw toUsageError(error);
    }
    if (!values.project) throw new UsageError('--project <P.pixelclass.json> is required');
    const format = (values.format ?? 'onnx').trim().toLowerCase().replace(/[\s._-]+/g, '');
    if (!(MODEL_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${MODEL_FORMATS.join(', ')}, got "${values.format}"`);
    if (!values.output) throw new UsageError('-o <model file> is required');
    const threads = parseIntegerOption(values.threads, '--threads', 0, 1024);
    if (values.license !== undefined && !/^[A-Za-z0-9][A-Za-z0-9.+-]*$/.test(values.license)) throw new UsageError(`--license must be an SPDX license id (e.g. CC-BY-4.0, MIT), got "${values.license}"`);
    if (values.author?.some((a) => a.trim() === '')) throw new UsageError('--author must not be empty');
    if (format === 'onnx' && (values.author || values.license)) throw new UsageError('--author and --license describe a bioimage.io package (--format bioimageio)');
    const pool = createCliPool(threads, io);
    try {
      const summary = await exportModel({
        projectFile: values.project,
        format: format as ModelFormat,
        output: values.output,
        baseDir: io.cwd,
        pool,
        producerVersion: extensionVersion(io.env),
        authors: values.author?.map((a) => a.trim()),
        license: values.license,
        onMessage: values.json ? undefined : (message) => io.stderr(`${message}\n`),
      });
      if (values.json) {
        io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
      } else {
        const rel = path.relative(io.cwd, summary.output) || summary.output;
        io.stdout(`wrote ${rel} (${format}, ${(summary.bytes / 1024).toFixed(0)} KiB): ${summary.spatialDims}D ${summary.inputChannels}-channel input → `
          + `${summary.features} features → ${summary.trees} trees → ${summary.classes.length} class probabilities; halo ${summary.halo.y} px`
          + `${summary.spatialDims === 3 ? ` (z ${summary.halo.z})` : ''}\n`);
      }
      return 0;
    } finally {
      pool?.dispose();
    }
  },
};
