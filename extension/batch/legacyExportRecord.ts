/**
 * Sidecar export records of earlier versions (issue #6): `<output>.pixelclass-record.json` beside the first
 * output recorded the input's sha256, the training hash, the export settings and the outputs' sizes. Outputs now
 * carry their provenance inside the file (issue 19, see exportProvenance.ts) and no record is written any more;
 * an existing record is still honoured for skipping (so upgrading does not redo every output), and removed when
 * its outputs are written again.
 */
import { files as fs } from '../core/platform/platform';
import * as path from 'node:path';
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

export function sameSettings(a: ExportSettings, b: ExportSettings): boolean {
  return a.source === b.source && a.dtype === b.dtype && a.format === b.format && a.compression === b.compression
    && a.filenameFormat === b.filenameFormat;
}

/**
 * Whether the export of `outputs` is up to date: its record exists, was made from the same inputs and
 * settings, and lists exactly these outputs, all present with their recorded sizes.
 * @returns `undefined` when up to date, otherwise the reason it must be (re)done
 */
export async function legacyStaleReason(outputs: readonly string[], expected: ExportInputs): Promise<string | undefined> {
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

/** Removes the record of an export whose first output is `firstOutput`, if any. */
export async function removeLegacyRecord(firstOutput: string): Promise<void> {
  await fs.rm(recordPath(firstOutput), { force: true });
}
