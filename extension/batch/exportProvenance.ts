/**
 * Outputs carry their provenance inside the file (issue 19): what produced them — the input's sha256, the
 * classifier's training hash, the export settings, the input's and project's names and the result type — as
 * ASCII JSON in the private TIFF tag {@link PROVENANCE_TAG} of page 0 (the ImageJ description stays untouched, so
 * Fiji and tifffile still see the hyperstack axes) or in a PNG tEXt chunk {@link PNG_PROVENANCE_KEYWORD} before
 * the image data. A folder of outputs holds only outputs.
 *
 * Incremental runs read it back: an output is up to date when it exists and its provenance names the same
 * inputs. A TIFF rewritten by another program loses the private tag; a PNG re-encoded by a program that keeps
 * text chunks no longer matches the IDAT CRCs recorded with it — either way the output is no longer taken for
 * ours. The provenance holds no time or version, so the same inputs give the same bytes (CLI = extension).
 * Sidecar records of earlier versions are still honoured (legacyExportRecord.ts).
 */
import { files as fs } from '../core/platform/platform';
import * as path from 'node:path';
import { readPngTextChunks, readTiffTextTag } from '../core/image/embeddedText';
import { PROVENANCE_TAG } from '../core/image/tiffWriter';
import type { ByteSource } from '../core/image/byteSource';
import type { Hdf5Group } from '../core/hdf5/hdf5Tree';
import { openFileByteSource } from '../node/fileByteSource';
import { openHdf5 } from '../node/hdf5File';
import type { ExportSettings } from '../project/projectSchema';
import { legacyStaleReason, recordPath, type ExportInputs } from './legacyExportRecord';

export type { ExportInputs } from './legacyExportRecord';
export { PROVENANCE_TAG } from '../core/image/tiffWriter';

/** tEXt keyword of the provenance in PNG outputs. */
export const PNG_PROVENANCE_KEYWORD = 'pixel-classifier-provenance';
/** Attribute of the dataset holding the provenance in HDF5 outputs. */
export const HDF5_PROVENANCE_ATTRIBUTE = 'pixel-classifier-provenance';
/** Root group attribute holding the provenance (a JSON object) in OME-Zarr outputs. */
export const ZARR_PROVENANCE_ATTRIBUTE = 'pixel-classifier-provenance';

/**
 * The provenance embedded in one output. Its settings leave out the file name template: where an output lies
 * does not change what it holds (so the same inputs give the same bytes in any folder), and an output under a
 * new template is a new file anyway.
 */
export interface ExportProvenance extends Omit<ExportInputs, 'settings'> {
  settings: Omit<ExportSettings, 'filenameFormat'>;
  format: 'pixel-classifier-export';
  version: 1;
  /** Base name of the input image. */
  input: string;
  /** Base name of the project file. */
  project: string;
  /** `{result_type}` of this output, e.g. "Probabilities" or "Probabilities_2" (one PNG per class). */
  resultType: string;
  /** PNG only: CRC-32 of each IDAT chunk (8 hex digits), written with the image data. */
  pngData?: string[];
}

/** The provenance of an output of `inputs`. */
export function makeProvenance(inputs: ExportInputs, names: { input: string; project: string; resultType: string }): ExportProvenance {
  const s = inputs.settings;
  return {
    format: 'pixel-classifier-export',
    version: 1,
    input: path.basename(names.input),
    project: path.basename(names.project),
    resultType: names.resultType,
    inputSha256: inputs.inputSha256,
    trainingHash: inputs.trainingHash,
    // Fixed key order (the bytes of an output must not depend on how the settings object was built).
    settings: {
      source: s.source, dtype: s.dtype, format: s.format, compression: s.compression,
      // Only HDF5 outputs record their dataset path, so TIFF/PNG provenance (and bytes) stay as they were.
      ...(s.format === 'hdf5' ? { internalPath: hdf5InternalPath(s) } : {}),
      ...(s.format === 'zarr' ? { omeZarrVersion: omeZarrVersionOf(s) } : {}),
    },
  };
}

/** The dataset path of HDF5 exports with these settings. */
export function hdf5InternalPath(settings: Pick<ExportSettings, 'internalPath'>): string {
  return settings.internalPath ?? 'exported_data';
}

/** The OME-Zarr version of exports with these settings. */
export function omeZarrVersionOf(settings: Pick<ExportSettings, 'omeZarrVersion'>): '0.4' | '0.5' {
  return settings.omeZarrVersion ?? '0.4';
}

/** JSON of a provenance, ASCII only (non-ASCII characters as \u escapes: TIFF ASCII and PNG tEXt need it). */
export function provenanceJson(provenance: ExportProvenance): string {
  return JSON.stringify(provenance).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Parses embedded provenance text; undefined when it is not ours. */
export function parseProvenance(text: string | undefined): ExportProvenance | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as ExportProvenance;
    if (value?.format !== 'pixel-classifier-export' || value.version !== 1 || typeof value.inputSha256 !== 'string'
      || typeof value.trainingHash !== 'string' || typeof value.settings !== 'object' || value.settings === null) return undefined;
    return value;
  } catch {
    return undefined;
  }
}

/** What an existing file says about itself. */
export type EmbeddedProvenance =
  | { kind: 'none' }
  | { kind: 'ours'; provenance: ExportProvenance }
  /** Our provenance, but the pixel data is not what was written with it (a re-encoded PNG). */
  | { kind: 'modified'; provenance: ExportProvenance };

/** Reads the provenance embedded in `file` (TIFF tag or PNG tEXt); `none` for other or unreadable files. */
export async function readEmbeddedProvenance(file: string): Promise<EmbeddedProvenance> {
  if (await isDirectory(file)) {
    const provenance = parseProvenance(await readZarrProvenance(file));
    return provenance ? { kind: 'ours', provenance } : { kind: 'none' };
  }
  let source;
  try {
    source = await openFileByteSource(file);
  } catch {
    return { kind: 'none' };
  }
  try {
    const png = await readPngTextChunks(source);
    if (png) {
      const provenance = parseProvenance(png.text[PNG_PROVENANCE_KEYWORD]);
      if (!provenance) return { kind: 'none' };
      const actual = png.idatCrcs.map(hex32);
      const same = Array.isArray(provenance.pngData) && provenance.pngData.length === actual.length && provenance.pngData.every((c, i) => c === actual[i]);
      return same ? { kind: 'ours', provenance } : { kind: 'modified', provenance };
    }
    if (await isHdf5Signature(source)) {
      const provenance = parseProvenance(await readHdf5Provenance(file));
      return provenance ? { kind: 'ours', provenance } : { kind: 'none' };
    }
    const provenance = parseProvenance(await readTiffTextTag(source, PROVENANCE_TAG));
    return provenance ? { kind: 'ours', provenance } : { kind: 'none' };
  } catch {
    return { kind: 'none' };
  } finally {
    await source.close();
  }
}

async function isDirectory(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isDirectory();
  } catch {
    return false;
  }
}

/** The provenance attribute of an OME-Zarr store's root group (0.4 `.zattrs` or 0.5 `zarr.json`), as JSON text. */
async function readZarrProvenance(folder: string): Promise<string | undefined> {
  for (const [name, pick] of [['.zattrs', (v: any) => v], ['zarr.json', (v: any) => v?.attributes]] as const) {
    let text: string;
    try {
      text = await fs.readFile(path.join(folder, name), 'utf8');
    } catch {
      continue;
    }
    try {
      const value = pick(JSON.parse(text))?.[ZARR_PROVENANCE_ATTRIBUTE];
      return value === undefined ? undefined : JSON.stringify(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

async function isHdf5Signature(source: ByteSource): Promise<boolean> {
  if (source.size < 8) return false;
  const head = await source.read(0, 8);
  return String.fromCharCode(...head) === '\x89HDF\r\n\x1a\n';
}

/** The provenance attribute of the first dataset carrying one (breadth-first, a few levels deep). */
async function readHdf5Provenance(file: string): Promise<string | undefined> {
  const h5 = await openHdf5(file);
  try {
    let level: Hdf5Group[] = [h5];
    for (let depth = 0; depth < 4 && level.length > 0; depth++) {
      const next: Hdf5Group[] = [];
      for (const group of level) {
        for (const name of group.keys().slice(0, 64)) {
          const node = group.get(name);
          if (node?.kind === 'dataset') {
            const value = node.attribute(HDF5_PROVENANCE_ATTRIBUTE);
            if (typeof value === 'string') return value;
          } else if (node?.kind === 'group') next.push(node);
        }
      }
      level = next;
    }
    return undefined;
  } finally {
    h5.close();
  }
}

/** A CRC as 8 lowercase hex digits. */
export function hex32(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

/** An existing output that is not the record of the same inputs. */
export interface OutputConflict {
  output: string;
  reason: string;
}

/** Result of {@link checkOutputs}. */
export interface OutputCheck {
  /** Why the export must be (re)done; undefined when it is up to date. */
  reason?: string;
  /** Outputs that exist but were not made from these inputs (overwriting them loses something). */
  conflicts: OutputConflict[];
}

function mismatch(provenance: ExportProvenance, expected: ExportInputs): string | undefined {
  if (provenance.inputSha256 !== expected.inputSha256) return 'input image changed';
  if (provenance.trainingHash !== expected.trainingHash) return 'classifier changed';
  const a = provenance.settings;
  const b = expected.settings;
  if (a.source !== b.source || a.dtype !== b.dtype || a.format !== b.format) return 'export settings changed';
  // HDF5 outputs are always gzip-compressed: the (TIFF) compression setting does not change them, their dataset path does.
  if (b.format === 'hdf5' ? hdf5InternalPath(a) !== hdf5InternalPath(b) : b.format === 'zarr' ? omeZarrVersionOf(a) !== omeZarrVersionOf(b) : a.compression !== b.compression) return 'export settings changed';
  return undefined;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the export of `outputs` is up to date (every output exists and its embedded provenance — or a legacy
 * sidecar record — names the same inputs), and which existing outputs would be overwritten although they are
 * not the record of these inputs.
 */
export async function checkOutputs(outputs: readonly string[], expected: ExportInputs): Promise<OutputCheck> {
  const legacy = await exists(recordPath(outputs[0]));
  if (legacy && (await legacyStaleReason(outputs, expected)) === undefined) return { conflicts: [] };
  const conflicts: OutputConflict[] = [];
  const present = await Promise.all(outputs.map(exists));
  if (!present.some(Boolean)) return { reason: 'new', conflicts };
  let reason: string | undefined;
  for (const [i, output] of outputs.entries()) {
    const name = path.basename(output);
    if (!present[i]) {
      reason ??= `output ${name} is missing`;
      continue;
    }
    const embedded = await readEmbeddedProvenance(output);
    let why: string | undefined;
    if (embedded.kind === 'none') why = legacy ? (await legacyStaleReason(outputs, expected)) ?? 'no export provenance' : `output ${name} is not a Pixel Classifier export (no provenance inside)`;
    else if (embedded.kind === 'modified') why = `output ${name} was modified`;
    else why = mismatch(embedded.provenance, expected);
    if (why !== undefined) {
      reason ??= why;
      conflicts.push({ output, reason: why });
    }
  }
  return { reason, conflicts };
}

/** {@link checkOutputs}' reason only: undefined when up to date. */
export async function staleReason(outputs: readonly string[], expected: ExportInputs): Promise<string | undefined> {
  return (await checkOutputs(outputs, expected)).reason;
}

/** Whether `file` is an export of an earlier run (provenance inside, or a legacy record beside it). */
export async function isExport(file: string): Promise<boolean> {
  if (await exists(recordPath(file))) return true;
  return (await readEmbeddedProvenance(file)).kind !== 'none';
}

/**
 * Free names for "Keep both": `name-2.tif`, `name-3.tif`, … — the first suffix for which none of the outputs
 * exists (outputs of one input keep one suffix, e.g. the per-class PNGs).
 */
export async function keepBothPaths(outputs: readonly string[], taken: (file: string) => Promise<boolean> = exists): Promise<string[]> {
  for (let n = 2; ; n++) {
    const candidates = outputs.map((o) => {
      // `x.ome.zarr` → `x-2.ome.zarr` (not `x.ome-2.zarr`).
      const ext = /\.ome\.zarr$/i.exec(o)?.[0] ?? path.extname(o);
      return `${o.slice(0, o.length - ext.length)}-${n}${ext}`;
    });
    let free = true;
    for (const c of candidates) if (await taken(c)) { free = false; break; }
    if (free) return candidates;
  }
}
