/**
 * Incremental batch export (issue #6): beside each export a sidecar `<output>.pixelclass-record.json`
 * records what produced it — the input's sha256, the project's training hash and the export settings — plus
 * the outputs' sizes. A later run whose inputs are unchanged and whose outputs are all still there skips the
 * file; `force` redoes it.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../project/projectFile';
import type { ExportSettings } from '../project/projectSchema';

/** Suffix of the sidecar record. */
export const RECORD_SUFFIX = '.pixelclass-record.json';

/** What an export was made from. */
export interface ExportInputs {
  inputSha256: string;
  trainingHash: string;
  settings: ExportSettings;
}

/** Content of a record file. */
export interface ExportRecord extends ExportInputs {
  format: 'pixel-classifier-export-record';
  version: 1;
  /** Outputs relative to the record's folder, with their byte sizes. */
  outputs: { path: string; bytes: number }[];
  /** ISO time the export finished. */
  written: string;
}

/** Path of the record of an export whose first output is `firstOutput`. */
export function recordPath(firstOutput: string): string {
  return `${firstOutput}${RECORD_SUFFIX}`;
}

function sameSettings(a: ExportSettings, b: ExportSettings): boolean {
  return a.source === b.source && a.dtype === b.dtype && a.format === b.format && a.compression === b.compression
    && a.filenameFormat === b.filenameFormat;
}

/**
 * Whether the export of `outputs` is up to date: its record exists, was made from the same inputs and
 * settings, and lists exactly these outputs, all present with their recorded sizes.
 * @returns `undefined` when up to date, otherwise the reason it must be (re)done
 */
export async function staleReason(outputs: readonly string[], expected: ExportInputs): Promise<string | undefined> {
  const file = recordPath(outputs[0]);
  let record: ExportRecord;
  try {
    record = JSON.parse(await fs.readFile(file, 'utf8')) as ExportRecord;
  } catch {
    return 'no export record';
  }
  if (record?.format !== 'pixel-classifier-export-record' || record.version !== 1 || !record.settings || !Array.isArray(record.outputs)) {
    return 'unreadable export record';
  }
  if (record.inputSha256 !== expected.inputSha256) return 'input image changed';
  if (record.trainingHash !== expected.trainingHash) return 'classifier changed';
  if (!sameSettings(record.settings, expected.settings)) return 'export settings changed';
  const dir = path.dirname(file);
  const listed = new Set(record.outputs.map((o) => path.resolve(dir, o.path)));
  if (listed.size !== outputs.length || outputs.some((o) => !listed.has(path.resolve(o)))) return 'outputs changed';
  for (const o of record.outputs) {
    try {
      const stat = await fs.stat(path.resolve(dir, o.path));
      if (stat.size !== o.bytes) return `output ${o.path} was modified`;
    } catch {
      return `output ${o.path} is missing`;
    }
  }
  return undefined;
}

/** Writes the record of a finished export (atomically). */
export async function writeRecord(outputs: readonly string[], inputs: ExportInputs): Promise<void> {
  const file = recordPath(outputs[0]);
  const dir = path.dirname(file);
  const record: ExportRecord = {
    format: 'pixel-classifier-export-record',
    version: 1,
    inputSha256: inputs.inputSha256,
    trainingHash: inputs.trainingHash,
    settings: { ...inputs.settings },
    outputs: await Promise.all(outputs.map(async (o) => ({
      path: path.relative(dir, o).split(path.sep).join('/'),
      bytes: (await fs.stat(o)).size,
    }))),
    written: new Date().toISOString(),
  };
  await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
}
