/**
 * "Pixel Classifier: Export…" for the open image (issue #6): choose source, sample type, format and
 * file name template (quick picks, defaulting to the project's saved export settings), store the choice
 * in the project (ilastik forgets it; we don't), save, and export through the shared batch function. One
 * progress notification that ends as one summary (with Reveal); existing files that are not the record of the
 * same inputs are only replaced after asking (Overwrite / Keep both / Cancel).
 */
import * as vscode from 'vscode';
import { pathToUri } from '../editor/pathUri';
import { EXPORT_SOURCES, type ExportSettings, type ExportSource } from '../project/projectSchema';
import * as path from 'node:path';
import type { ConflictChoice, FileResult } from '../batch/predictWorkspace';
import type { OutputConflict } from '../batch/exportProvenance';
import { DEFAULT_HDF5_INTERNAL_PATH } from '../batch/hdf5Sink';
import { OUTPUT_EXTENSIONS } from '../batch/outputTemplate';
import { internalPathProblem } from '../core/hdf5/hdf5InternalPath';
import { baseDirOf, runBatch, type RunSummary } from './predictWorkspaceCommand';
import type { CommandServices } from './commandServices';
import { platform } from '../core/platform/platform';

const SOURCE_LABELS: Record<ExportSource, string> = {
  probabilities: 'Probabilities',
  'simple-segmentation': 'Simple Segmentation',
  uncertainty: 'Uncertainty',
  features: 'Features',
  labels: 'Labels',
};

/** The quick-pick items with the one matching the saved setting moved to the front (preselected). */
function currentFirst<T>(items: T[], isCurrent: (item: T) => boolean): T[] {
  return [...items.filter(isCurrent), ...items.filter((item) => !isCurrent(item))];
}

/** Asks for the export settings, starting from `current`; undefined when cancelled. */
export async function askExportSettings(current: ExportSettings): Promise<ExportSettings | undefined> {
  const source = await vscode.window.showQuickPick(
    EXPORT_SOURCES.map((s) => ({ label: SOURCE_LABELS[s], source: s, picked: s === current.source, description: s === current.source ? 'current' : undefined })),
    { title: 'Export: source' },
  );
  if (!source) return undefined;
  let dtype = current.dtype;
  if (source.source === 'probabilities' || source.source === 'uncertainty') {
    const pick = await vscode.window.showQuickPick(
      currentFirst([
        { label: 'float32', description: 'probabilities 0..1', dtype: 'float32' as const },
        { label: 'uint8', description: 'round(255·p)', dtype: 'uint8' as const },
      ], (a) => a.dtype === current.dtype),
      { title: 'Export: sample type' },
    );
    if (!pick) return undefined;
    dtype = pick.dtype;
  }
  const format = await vscode.window.showQuickPick(
    currentFirst([
      { label: 'TIFF', description: 'multi-page, ImageJ hyperstack metadata', format: 'tiff' as const },
      { label: 'PNG', description: '2D segmentations, labels, 8-bit probabilities of one class', format: 'png' as const },
      { label: 'HDF5', description: 'one dataset as ilastik writes it (axistags, channels last, gzip)', format: 'hdf5' as const },
      { label: 'OME-Zarr', description: 'chunked folder with a multiscale pyramid (napari, QuPath, ilastik 1.4.1)', format: 'zarr' as const },
    // The browser build has no HDF5 library (issue #20): it offers the other formats.
    ].filter((a) => a.format !== 'hdf5' || platform().name !== 'web'), (a) => a.format === current.format),
    { title: 'Export: format' },
  );
  if (!format) return undefined;
  let compression = current.compression;
  if (format.format === 'tiff') {
    const pick = await vscode.window.showQuickPick(
      currentFirst([
        { label: 'none', compression: 'none' as const },
        { label: 'deflate', compression: 'deflate' as const },
      ], (a) => a.compression === current.compression),
      { title: 'Export: TIFF compression' },
    );
    if (!pick) return undefined;
    compression = pick.compression;
  }
  let internalPath = current.internalPath;
  if (format.format === 'hdf5') {
    const answer = await vscode.window.showInputBox({
      title: 'Export: HDF5 dataset path',
      prompt: 'Path of the dataset inside the file (ilastik\'s default: exported_data)',
      value: current.internalPath ?? DEFAULT_HDF5_INTERNAL_PATH,
      validateInput: (v) => internalPathProblem(v.trim()),
    });
    if (answer === undefined) return undefined;
    internalPath = answer.trim();
  }
  let omeZarrVersion = current.omeZarrVersion;
  if (format.format === 'zarr') {
    const pick = await vscode.window.showQuickPick(
      currentFirst([
        { label: '0.4', description: 'Zarr v2: read by zarr-python 2, napari, QuPath, ilastik', version: '0.4' as const },
        { label: '0.5', description: 'Zarr v3 (zarr.json)', version: '0.5' as const },
      ], (a) => a.version === (current.omeZarrVersion ?? '0.4')),
      { title: 'Export: OME-Zarr version' },
    );
    if (!pick) return undefined;
    omeZarrVersion = pick.version;
  }
  const extension = OUTPUT_EXTENSIONS[format.format][0];
  const template = await vscode.window.showInputBox({
    title: 'Export: file name template',
    prompt: 'Placeholders: {dataset_dir}, {nickname}, {result_type}',
    value: current.filenameFormat.replace(/(\.ome)?\.(tiff?|png|h5|hdf5|zarr)$/i, extension),
    validateInput: (v) => (v.trim() === '' ? 'Enter a template' : undefined),
  });
  if (template === undefined) return undefined;
  return {
    source: source.source, dtype, format: format.format, compression, filenameFormat: template.trim(),
    ...(internalPath !== undefined ? { internalPath } : {}),
    ...(format.format === 'zarr' && omeZarrVersion !== undefined ? { omeZarrVersion } : {}),
  };
}

/** The command handler. */
export async function exportCommand(services: CommandServices): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Export is disabled in Restricted Mode: trust the workspace first.');
    return;
  }
  const document = services.activeDocument();
  if (!document || !document.image) {
    void vscode.window.showWarningMessage('Open an image in the Pixel Classifier editor to export it.');
    return;
  }
  const settings = await askExportSettings(document.project.export);
  if (!settings) return;
  // Export reads the saved project (same code path as the CLI): save unsaved labels first, with the
  // chosen settings stored in the project.
  document.project.export = settings;
  if (document.isDirty) await vscode.commands.executeCommand('workbench.action.files.save');
  try {
    await document.save();
    await services.controller(document)?.live?.afterSave();
  } catch (e) {
    void vscode.window.showErrorMessage(`Export: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const { baseDir, roots } = baseDirOf(document.projectFile);
  await runBatch(services, {
    projectFile: document.projectFile, inputs: [document.imagePath], baseDir, roots, force: false, title: `Export ${document.fileName}`,
    onConflict: askOverwrite, partial: true,
    summarize: (summary) => exportSummary(document.fileName, summary.files[0]),
  });
}

/**
 * Asks before an export replaces files that are not the record of the same inputs (issue 14 item 9). Modal:
 * the run waits for the answer and the choice destroys data. (The CLI keeps its `--force` semantics.)
 */
export async function askOverwrite(input: string, conflicts: OutputConflict[]): Promise<ConflictChoice> {
  const names = conflicts.map((c) => path.basename(c.output));
  const message = names.length === 1
    ? `${names[0]} already exists and is not the export of ${path.basename(input)} with the current classifier and settings.`
    : `${names.join(', ')} already exist and are not the export of ${path.basename(input)} with the current classifier and settings.`;
  const detail = `${conflicts.map((c) => (c.reason.includes(path.basename(c.output)) ? c.reason : `${path.basename(c.output)}: ${c.reason}`)).join('\n')}\n\nOverwrite replaces ${names.length === 1 ? 'it' : 'them'}; Keep both writes the new export beside ${names.length === 1 ? 'it' : 'them'} (name-2…).`;
  const pick = await vscode.window.showWarningMessage(message, { modal: true, detail }, 'Overwrite', 'Keep both');
  return pick === 'Overwrite' ? 'overwrite' : pick === 'Keep both' ? 'keep-both' : 'cancel';
}

/** The one notification that ends an export. */
export function exportSummary(fileName: string, result: FileResult | undefined): RunSummary {
  const names = (result?.outputs ?? []).map((o) => path.basename(o)).join(', ');
  const reveal = result?.outputs.length
    ? [{ title: 'Reveal', run: () => vscode.commands.executeCommand('revealInExplorer', pathToUri(result.outputs[0])) }]
    : [];
  const warned = result?.warnings?.length ? ` Warning: ${result.warnings.join(' ')} (see Problems)` : '';
  switch (result?.status) {
    case 'ok':
      return { text: `Exported ${fileName} → ${names} in ${result.seconds.toFixed(1)} s.${warned}`, severity: warned ? 'warning' : 'info', actions: reveal };
    case 'skipped':
      return { text: `${fileName}: the export ${names} is up to date.${warned}`, severity: warned ? 'warning' : 'info', actions: reveal };
    case 'cancelled':
      return { text: `Export of ${fileName} ${result.error ?? 'cancelled'}.`, severity: 'info' };
    default:
      return { text: `Export of ${fileName} failed: ${result?.error ?? 'no result'}`, severity: 'error' };
  }
}
