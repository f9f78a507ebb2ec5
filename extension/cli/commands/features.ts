/**
 * `pixel-classifier features <image> -o <out.tif> …`: ilastik's filter bank as a float32 TIFF
 * (ImageJ hyperstack, axes CYX / CZYX (+T), channel names as slice labels) — ilastik's
 * "Features" export (issue #3). Computed on the worker pool.
 */
import { isAbsolute, resolve } from 'node:path';
import {
  DEFAULT_SCALES, FEATURE_IDS, featureChannels, inputChannelsOf, MIN_SCALE, selectionAll, validateSelection,
  type FeatureId, type FeatureScale, type FeatureSelection, type FeatureVariant, type ScaleUnit,
} from '../../core/features/featureSet';
import { FeatureScaleError, findScaleProblems } from '../../core/features/computeFeatureBlock';
import { featureImageOf } from '../../core/features/featureImageOf';
import { FeatureImageError, selectionForImageWithNotes } from '../../core/features/selectionForImage';
import { ImageError } from '../../core/image/imageModel';
import { openImage } from '../../node/openImage';
import { TiffStreamWriter } from '../../node/tiffFileWriter';
import { FeatureComputer } from '../../workers/featureComputer';
import { WorkerPool } from '../../workers/workerPool';
import { UsageError, type CliCommand, type CliIo } from '../cliCommand';
import { ProgressReporter } from '../progressReporter';

function parseSigmas(text: string, what: string): number[] {
  const values = text.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || v <= 0)) {
    throw new UsageError(`${what}: expected comma-separated positive numbers, got "${text}"`);
  }
  return values;
}

/**
 * Builds a selection from `--features` and `--scales`:
 * - `all` (default): every family at every scale it allows (`--scales`, default 0.3 … 10.0);
 * - `<id>:<σ>,<σ>;<id>:<σ>…`: the listed families at the listed scales (ids case-insensitive).
 * `--2d` marks every scale "compute in 2D".
 */
export function parseFeatureSpec(features: string | undefined, scales: string | undefined, in2D: boolean, scaleUnit: ScaleUnit = 'pixels'): FeatureSelection {
  const spec = (features ?? 'all').trim();
  let selection: FeatureSelection;
  if (spec.toLowerCase() === 'all') {
    const sigmas = scales ? parseSigmas(scales, '--scales') : [...DEFAULT_SCALES];
    selection = selectionAll(sigmas.map((sigma) => ({ sigma, in2D })));
  } else {
    if (scales) throw new UsageError('--scales only applies to --features all; give scales per feature as <id>:<σ>,<σ>');
    const wanted = new Map<FeatureId, number[]>();
    for (const part of spec.split(';').map((p) => p.trim()).filter(Boolean)) {
      const colon = part.indexOf(':');
      if (colon < 0) throw new UsageError(`--features: "${part}" should look like <id>:<σ>,<σ> (ids: ${FEATURE_IDS.join(', ')})`);
      const name = part.slice(0, colon).trim();
      const id = FEATURE_IDS.find((f) => f.toLowerCase() === name.toLowerCase());
      if (!id) throw new UsageError(`--features: unknown feature "${name}" (ids: ${FEATURE_IDS.join(', ')})`);
      const sigmas = parseSigmas(part.slice(colon + 1), `--features ${id}`);
      for (const s of sigmas) {
        // ilastik's minimum scales are in pixels: σ in µm is checked per axis once the pixel size is known.
        if (scaleUnit === 'pixels' && s < MIN_SCALE[id]) throw new UsageError(`--features: ${id} needs σ ≥ ${MIN_SCALE[id]}, got ${s}`);
      }
      wanted.set(id, [...(wanted.get(id) ?? []), ...sigmas]);
    }
    if (wanted.size === 0) throw new UsageError('--features: nothing selected');
    const all = [...new Set([...wanted.values()].flat())].sort((a, b) => a - b);
    const columns: FeatureScale[] = all.map((sigma) => ({ sigma, in2D }));
    const selected = {} as Record<FeatureId, boolean[]>;
    for (const id of FEATURE_IDS) selected[id] = all.map((s) => wanted.get(id)?.includes(s) ?? false);
    selection = { scales: columns, selected };
  }
  if (scaleUnit === 'physical') selection.scaleUnit = 'physical';
  const problems = validateSelection(selection);
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return selection;
}

interface Options {
  input?: string;
  output?: string;
  features?: string;
  scales?: string;
  in2D: boolean;
  variant: FeatureVariant;
  workers?: number;
  compression: 'none' | 'deflate';
  /** `--scale-unit`: σ in pixels (default) or in µm (the image's pixel size per axis). */
  scaleUnit: ScaleUnit;
  /** `--channels`: 0-based input channels that feed the features. */
  channels?: number[];
}

/** Parses `--channels 0,2` (0-based, as the project's `featureChannels`). */
export function parseChannelList(text: string): number[] {
  const values = text.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 0)) throw new UsageError(`--channels: expected 0-based channel indices like 0,2, got "${text}"`);
  return [...new Set(values)].sort((a, b) => a - b);
}

/** Parses `--scale-unit pixels|physical`. */
export function parseScaleUnit(text: string): ScaleUnit {
  if (text !== 'pixels' && text !== 'physical') throw new UsageError(`--scale-unit must be pixels or physical, got "${text}"`);
  return text;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { in2D: false, variant: 'ilastik', compression: 'none', scaleUnit: 'pixels' };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '-o': case '--output': options.output = value(i, a); i++; break;
      case '--features': options.features = value(i, a); i++; break;
      case '--scales': options.scales = value(i, a); i++; break;
      case '--2d': options.in2D = true; break;
      case '--scale-unit': options.scaleUnit = parseScaleUnit(value(i, a)); i++; break;
      case '--channels': options.channels = parseChannelList(value(i, a)); i++; break;
      case '--variant': {
        const v = value(i, a); i++;
        if (v !== 'ilastik' && v !== 'direct') throw new UsageError(`--variant must be ilastik or direct, got "${v}"`);
        options.variant = v;
        break;
      }
      case '--workers': {
        const n = Number(value(i, a)); i++;
        if (!Number.isInteger(n) || n < 1) throw new UsageError('--workers must be a positive integer');
        options.workers = n;
        break;
      }
      case '--compression': {
        const v = value(i, a); i++;
        if (v !== 'none' && v !== 'deflate') throw new UsageError(`--compression must be none or deflate, got "${v}"`);
        options.compression = v;
        break;
      }
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
        if (options.input) throw new UsageError(`unexpected argument "${a}" (one image at a time)`);
        options.input = a;
    }
  }
  if (!options.input) throw new UsageError('expected an image path');
  if (!options.output) throw new UsageError('expected -o <out.tif>');
  return options;
}

export const featuresCommand: CliCommand = {
  name: 'features',
  usage: 'features <image> -o <out.tif> [--features all|<id>:<σ>,<σ>;…] [--scales 0.3,1.0,…] [--2d] [--scale-unit pixels|physical] [--channels 0,2] [--variant ilastik|direct] '
    + '[--workers N] [--compression none|deflate]   ilastik filter bank as a float32 ImageJ TIFF',
  help: `Computes ilastik's filter bank of an image and writes it as a float32 ImageJ TIFF (channel names as slice labels).

Options:
  -o, --output FILE        the features TIFF to write (never the input)
  --features SPEC          all (default), or <id>:<σ>,<σ>;<id>:<σ>… (ids: ${FEATURE_IDS.join(', ')})
  --scales LIST            scales of --features all, e.g. 0.3,1.0,3.5
  --2d                     compute z-stacks slice by slice
  --scale-unit pixels|physical
                           σ in pixels (default, ilastik) or in µm: each axis gets σ / pixel size
                           (anisotropic kernels; the pixel size comes from the file's metadata)
  --channels LIST          0-based input channels that feed the features, e.g. 0,2 (default: all but alpha)
  --variant ilastik|direct ilastik's separable filters (default) or the direct formulas
  --workers N              worker threads (default: all cores)
  --compression none|deflate`,
  async run(argv: string[], io: CliIo): Promise<number> {
    const options = parseArgs(argv);
    let selection: FeatureSelection = {
      ...parseFeatureSpec(options.features, options.scales, options.in2D, options.scaleUnit),
      ...(options.channels ? { featureChannels: options.channels } : {}),
    };
    const inputPath = isAbsolute(options.input!) ? options.input! : resolve(io.cwd, options.input!);
    const outputPath = isAbsolute(options.output!) ? options.output! : resolve(io.cwd, options.output!);
    if (resolve(inputPath) === resolve(outputPath)) throw new UsageError('the output must not overwrite the input image');
    const started = Date.now();
    // The workers boot (load their bundle, compile the kernels) while this thread opens and reads the image.
    const pool = new WorkerPool({ size: options.workers, workerScript: io.env.PIXEL_CLASSIFIER_WORKER });
    let image;
    try {
      image = await openImage(inputPath);
    } catch (error) {
      await pool.dispose();
      if (error instanceof ImageError) { io.stderr(`${options.input}: ${error.reason}\n`); return 1; }
      throw error;
    }
    let writer: TiffStreamWriter | undefined;
    try {
      const { t: nt, z: nz, c: nc, y: ny, x: nx } = image.info.shape;
      // Physical units → per-axis σ from the pixel size; channels; ilastik's behaviour for scales too long
      // for the z axis (computed in 2D, with a note).
      const adapted = selectionForImageWithNotes(selection, featureImageOf(options.input!, image.info), options.variant);
      for (const note of adapted.notes) io.stderr(`pixel-classifier features: ${options.input}: ${note}\n`);
      selection = adapted.selection;
      const nUsed = inputChannelsOf(selection, nc).length;
      const computer = new FeatureComputer(pool);
      const progress = new ProgressReporter({ write: io.stderr, isTTY: io.stderrIsTTY === true, columns: io.columns, now: io.now });
      const onProgress = (t: number) => (done: number, total: number): void => progress.update({
        input: inputPath, index: 0, total: 1, fileFraction: (t + done / total) / nt, fraction: (t + done / total) / nt,
        blocks: { done: t * total + done, total: nt * total },
      });
      // Scales too large for the image are refused before the output file is created.
      const problems = findScaleProblems(selection, { z: nz, y: ny, x: nx }, options.variant);
      if (problems.length > 0) {
        const error = new FeatureScaleError(problems);
        error.message = `${image.info.name}: ${error.message}`;
        throw error;
      }
      const channels = featureChannels(selection, nc, nz > 1);
      // ImageJ hyperstacks store pages c-fastest, so readers report (T)ZCYX for a CZYX feature stack.
      writer = await TiffStreamWriter.create(outputPath, {
        width: nx, height: ny, dtype: 'float32', axes: `${nt > 1 ? 'T' : ''}${nz > 1 ? 'Z' : ''}CYX`, shape: { t: nt, z: nz, c: channels.length },
        channelNames: channels.map((c) => c.name), compression: options.compression,
      });
      const inPlace = writer.inPlaceTarget();
      for (let t = 0; t < nt; t++) {
        if (inPlace) {
          // Uncompressed: the workers write every channel straight to its place in the file; no output volume in memory.
          await computer.computeImageToFile(image, t, { selection, variant: options.variant, onProgress: onProgress(t) }, inPlace);
          progress.clear();
          continue;
        }
        const result = await computer.computeImage(image, t, { selection, variant: options.variant, onProgress: onProgress(t) });
        progress.clear();
        const plane = ny * nx;
        // Pages in ImageJ order: channel fastest, then z, then t. Result layout is [channel][z][y][x].
        for (let z = 0; z < nz; z++) {
          for (let c = 0; c < channels.length; c++) {
            const at = (c * nz + z) * plane;
            await writer.writePlane((t * nz + z) * channels.length + c, result.data.subarray(at, at + plane));
          }
        }
      }
      if (inPlace) writer.pagesWrittenInPlace();
      await writer.close();
      writer = undefined;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      io.stdout(`wrote ${options.output}: ${channels.length} feature channels (${options.variant}, `
        + `${channels.length / nUsed} per input channel × ${nUsed}${nUsed < nc ? ` of ${nc}` : ''}`
        + `${selection.scaleUnit === 'physical' ? ', σ in µm' : ''}), ${nt > 1 ? `${nt} time points, ` : ''}`
        + `${nz > 1 ? `${nz} slices, ` : ''}${nx}×${ny} float32 in ${seconds} s\n`);
      return 0;
    } catch (error) {
      await writer?.abort();
      if (error instanceof ImageError) { io.stderr(`${options.input}: ${error.reason}\n`); return 1; }
      if (error instanceof FeatureImageError) { io.stderr(`${error.message}\n`); return 1; }
      if (error instanceof FeatureScaleError) {
        const message = error.message.startsWith(image.info.name) ? error.message : `${options.input}: ${error.message}`;
        io.stderr(`${message}\n`);
        return 1;
      }
      throw error;
    } finally {
      await image.close();
      await pool.dispose();
    }
  },
};

