/**
 * `pixel-classifier predict --project P.pixelclass.json [options] <images or globs…>` (issues #4, #6): headless
 * batch prediction and export with ilastik-like flags, cluster sharding, incremental skipping and a JSON
 * summary. Same code path as the extension's "Predict Workspace…" (extension/batch/predictWorkspace.ts).
 */
import { ANYWHERE } from '../../project/projectPaths';
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { expandInputs } from '../../batch/expandInputs';
import { internalPathProblem } from '../../core/hdf5/hdf5InternalPath';
import { predictWorkspace, type FileResult } from '../../batch/predictWorkspace';
import { parseShard, shardFromEnv } from '../../batch/shard';
import { EXPORT_COMPRESSIONS, EXPORT_DTYPES, EXPORT_FORMATS, EXPORT_SOURCES, type ExportSettings } from '../../project/projectSchema';
import { WorkerPool } from '../../workers/workerPool';
import { OME_ZARR_VERSIONS } from '../../core/zarrOutput/omeZarrLayout';
import { UsageError, type CliCommand, type CliIo } from '../cliCommand';
import { PACKAGE_VERSION } from '../packageVersion';
import { ProgressReporter } from '../progressReporter';

/** Version written into provenance: package.json's, unless PIXEL_CLASSIFIER_VERSION overrides it. */
export function extensionVersion(env: Record<string, string | undefined>): string {
  return env.PIXEL_CLASSIFIER_VERSION ?? process.env.PIXEL_CLASSIFIER_VERSION ?? PACKAGE_VERSION;
}

/** Turns node:util parseArgs errors into usage errors (exit code 2 with the usage line). */
export function toUsageError(error: unknown): Error {
  if (error instanceof Error && (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) return new UsageError(error.message);
  return error instanceof Error ? error : new Error(String(error));
}

/** Parses an optional integer flag in [min, max]. */
export function parseIntegerOption(text: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${flag} must be an integer, got "${text}"`);
  const value = Number(text);
  if (value < min || value > max) throw new UsageError(`${flag} must be in ${min}..${max}, got ${value}`);
  return value;
}

/**
 * The worker pool of a CLI run: `threads` workers (default: all cores); `0` computes on the main thread.
 * The worker script is dist/computeWorker.js beside the CLI bundle (or PIXEL_CLASSIFIER_WORKER_SCRIPT);
 * when it is missing (running from sources) the work runs on the main thread with a note.
 */
export function createCliPool(threads: number | undefined, io: CliIo): WorkerPool | undefined {
  if (threads === 0) return undefined;
  const script = io.env.PIXEL_CLASSIFIER_WORKER_SCRIPT ?? path.join(__dirname, 'computeWorker.js');
  if (!existsSync(script)) {
    io.stderr(`pixel-classifier: worker script ${script} not found; computing on the main thread\n`);
    return undefined;
  }
  return new WorkerPool({ size: threads ?? os.availableParallelism(), workerScript: script });
}

/** Folders a CLI prediction may touch: the working folder, the project's, and those of the images named. */
export function cliRoots(cwd: string, projectFile: string, inputs: readonly string[]): string[] {
  const roots = [cwd, path.dirname(path.resolve(cwd, projectFile)), ...inputs.map((i) => path.dirname(path.resolve(cwd, i)))];
  return [...new Set(roots)];
}

/** Accepts ilastik spellings: "Simple Segmentation", "Probabilities", "uint8", "tif". */
function normalizeChoice<T extends string>(value: string | undefined, allowed: readonly T[], flag: string, aliases: Record<string, T> = {}): T | undefined {
  if (value === undefined) return undefined;
  const key = value.trim().toLowerCase().replace(/[\s_]+/g, '-');
  const found = (allowed as readonly string[]).includes(key) ? (key as T) : aliases[key];
  if (!found) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
  return found;
}

/** Maps ilastik's underscore flags (`--export_source`) to ours. */
function normalizeFlags(argv: string[]): string[] {
  return argv.map((a) => {
    const match = /^--(export_source|export_dtype|output_format|output_filename_format|output_internal_path|memory_limit|shard_count|ome_zarr_version)(=.*)?$/.exec(a);
    return match ? `--${match[1].replace(/_/g, '-')}${match[2] ?? ''}` : a;
  });
}

function formatResult(result: FileResult, cwd: string): string {
  const rel = (p: string) => path.relative(cwd, p) || p;
  const seconds = `${result.seconds.toFixed(1)} s`;
  switch (result.status) {
    case 'ok': return `ok       ${rel(result.input)} → ${result.outputs.map(rel).join(', ')} (${seconds})\n`;
    case 'skipped': return `skipped  ${rel(result.input)} (up to date; --force to redo)\n`;
    case 'cancelled': return `cancelled ${rel(result.input)}\n`;
    default: return `error    ${result.error}\n`;
  }
}

export const predictCommand: CliCommand = {
  name: 'predict',
  usage: 'predict --project P.pixelclass.json [--export-source probabilities|simple-segmentation|uncertainty|features|labels] [--export-dtype float32|uint8] [--output-format tiff|png|hdf5|zarr] [--output-internal-path exported_data] [--ome-zarr-version 0.4|0.5] [--output-filename-format TEMPLATE | -o TEMPLATE] [--compression none|deflate] [--threads N] [--memory-limit MB] [--shard I/N | --shard-count N] [--finalize] [--force] [--json] <images or globs…>',
  help: `Predicts images with a project's classifier (the model cache, or retrained from the project's labels) and
exports the results, as the extension's "Predict Workspace…" does. Images may be anywhere; outputs that are
up to date are skipped.

Options:
  --project FILE                 the *.pixelclass.json to predict with
  --export-source SOURCE         probabilities (default), simple-segmentation, uncertainty, features, labels
  --export-dtype float32|uint8   sample type of probabilities/uncertainty
  --output-format tiff|png|hdf5|zarr
                                 hdf5: one dataset as ilastik writes it (axistags, channels last, gzip);
                                 zarr: OME-Zarr folder (.ome.zarr) with a multiscale pyramid, gzip chunks
  --output-internal-path PATH    dataset inside HDF5 outputs (default exported_data)
  --ome-zarr-version 0.4|0.5     OME-Zarr 0.4 = Zarr v2 (default), 0.5 = Zarr v3
  -o, --output-filename-format T output names: {dataset_dir}, {nickname}, {result_type}
                                 (default {dataset_dir}/{nickname}_{result_type}.tif)
  --compression none|deflate
  --threads N                    worker threads (default: all cores; 0 = main thread)
  --memory-limit MB              peak memory target (default 1536)
  --shard I/N, --shard-count N   process every N-th image (cluster array jobs); one image with
                                 --output-format zarr: each task writes its share of the image's chunks
  --finalize                     after all tasks of a sharded OME-Zarr run: check every chunk is
                                 there, build the pyramid and write the metadata (same other flags)
  --force                        redo outputs that are up to date
  --json                         a JSON summary on stdout (progress stays on stderr)

Progress goes to stderr: a bar with the file, the block and the ETA on a terminal, plain lines otherwise.`,
  async run(argv: string[], io: CliIo): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({
        args: normalizeFlags(argv),
        options: {
          project: { type: 'string' },
          'export-source': { type: 'string' },
          'export-dtype': { type: 'string' },
          'output-format': { type: 'string' },
          'output-filename-format': { type: 'string' },
          'output-internal-path': { type: 'string' },
          output: { type: 'string', short: 'o' },
          compression: { type: 'string' },
          threads: { type: 'string' },
          'memory-limit': { type: 'string' },
          shard: { type: 'string' },
          'shard-count': { type: 'string' },
          'ome-zarr-version': { type: 'string' },
          finalize: { type: 'boolean' },
          force: { type: 'boolean' },
          json: { type: 'boolean' },
        },
        strict: true,
        allowPositionals: true,
      });
    } catch (error) {
      throw toUsageError(error);
    }
    const { values, positionals } = parsed;
    if (!values.project) throw new UsageError('--project <P.pixelclass.json> is required');
    if (positionals.length === 0) throw new UsageError('give the images (paths or globs) to predict');
    if (values['output-filename-format'] && values.output && values['output-filename-format'] !== values.output) {
      throw new UsageError('give either --output-filename-format or -o, not both');
    }
    const settings: Partial<ExportSettings> = {
      source: normalizeChoice(values['export-source'], EXPORT_SOURCES, '--export-source', { probability: 'probabilities', segmentation: 'simple-segmentation' }),
      dtype: normalizeChoice(values['export-dtype'], EXPORT_DTYPES, '--export-dtype', { float: 'float32' }),
      format: normalizeChoice(values['output-format'], EXPORT_FORMATS, '--output-format', { tif: 'tiff', h5: 'hdf5', 'ome-zarr': 'zarr' }),
      omeZarrVersion: normalizeChoice(values['ome-zarr-version'], OME_ZARR_VERSIONS, '--ome-zarr-version'),
      compression: normalizeChoice(values.compression, EXPORT_COMPRESSIONS, '--compression', { zlib: 'deflate' }),
      filenameFormat: values['output-filename-format'] ?? values.output,
      internalPath: values['output-internal-path'],
    };
    if (settings.omeZarrVersion !== undefined && (settings.format ?? 'zarr') !== 'zarr') throw new UsageError('--ome-zarr-version needs --output-format zarr');
    if (settings.internalPath !== undefined) {
      const problem = internalPathProblem(settings.internalPath);
      if (problem) throw new UsageError(`--output-internal-path: ${problem}`);
    }
    const threads = parseIntegerOption(values.threads, '--threads', 0, 1024);
    const memoryMb = parseIntegerOption(values['memory-limit'], '--memory-limit', 64, 1 << 22) ?? 1536;
    const shardCount = parseIntegerOption(values['shard-count'], '--shard-count', 1, 1e9);
    let shard;
    try {
      shard = values.shard !== undefined ? parseShard(values.shard) : shardFromEnv(io.env, shardCount);
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    const { files, unmatched } = await expandInputs(positionals, io.cwd);
    const pool = createCliPool(threads, io);
    const progress = new ProgressReporter({ write: io.stderr, isTTY: io.stderrIsTTY === true, columns: io.columns, now: io.now });
    try {
      const summary = await predictWorkspace({
        projectFile: values.project,
        inputs: files,
        settings,
        baseDir: io.cwd,
        // Images may be anywhere on the command line: the folders of the images named are allowed too (for
        // retraining from project images beside them); relative output templates stay within these folders.
        allowedRoots: cliRoots(io.cwd, values.project, files),
        imageRoots: ANYWHERE,
        shard,
        finalize: values.finalize === true,
        force: values.force === true,
        pool,
        memoryLimitBytes: memoryMb * 1024 * 1024,
        onProgress: (p) => progress.update(p),
        onFileDone: values.json ? undefined : (result) => {
          progress.print(formatResult(result, io.cwd), io.stdout);
          for (const warning of result.warnings ?? []) progress.print(`warning: ${warning}
`);
        },
        onMessage: values.json ? undefined : (message) => progress.step(message),
      });
      progress.clear();
      // A glob that matched nothing is an error of this run (only reported by shard 0, to avoid duplicates).
      if (shard.index === 0) {
        for (const pattern of unmatched) {
          const result: FileResult = { input: pattern, status: 'error', outputs: [], seconds: 0, error: `${pattern}: no file matches` };
          summary.files.push(result);
          summary.ok = false;
          if (!values.json) io.stdout(formatResult(result, io.cwd));
        }
      }
      if (values.json) {
        io.stdout(`${JSON.stringify({ ...summary, shard: { ...summary.shard, source: shard.source } }, null, 2)}\n`);
      } else {
        const counts = { ok: 0, skipped: 0, error: 0, cancelled: 0 };
        for (const f of summary.files) counts[f.status]++;
        io.stdout(`${counts.ok} predicted, ${counts.skipped} up to date, ${counts.error} failed`
          + `${summary.warnings.length ? `, ${summary.warnings.length} with warnings (see stderr)` : ''}`
          + `${shard.count > 1 ? ` (shard ${shard.index}/${shard.count})` : ''} in ${summary.seconds.toFixed(1)} s\n`);
      }
      return summary.ok ? 0 : 1;
    } finally {
      progress.clear();
      pool?.dispose();
    }
  },
};
