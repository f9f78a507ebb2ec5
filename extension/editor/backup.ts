/**
 * Hot-exit backups of unsaved labelling state (issue #5, #7: "cannot lose a label").
 *
 * VS Code calls `backupCustomDocument` with a destination while the document is dirty; after a window
 * reload or an extension-host crash it reopens the document with that `backupId`. The backup holds the
 * whole unsaved project (classes, features, every image's labels as RLE) plus which project file and
 * image it belongs to, so restoring needs nothing else. Written atomically; a corrupt backup is reported
 * and ignored (the project on disk is opened instead), never trusted blindly.
 */
import { files as fs } from '../core/platform/platform';
import * as path from 'node:path';
import type { PixelClassifierProject } from '../project/projectSchema';
import { parseProject, writeFileAtomic } from '../project/projectFile';

/** Value of the backup's `format` field. */
export const BACKUP_FORMAT = 'pixel-classifier-backup';
/** Current backup version. */
export const BACKUP_VERSION = 1;

/** What a backup stores. */
export interface DocumentBackup {
  /** Absolute path of the image the editor had open. */
  imagePath: string;
  /** Absolute path of the project file the state belongs to. */
  projectFile: string;
  /** The unsaved project, current image's labels included. */
  project: PixelClassifierProject;
  /** Whether the user chose to add this image to an existing project (kept across restore). */
  addedToProject?: boolean;
  /**
   * The project as last read or written when the backup was taken (the merge base): on restore, what changed
   * on disk since then is merged in instead of being overwritten. Absent in older backups and for new projects.
   */
  base?: PixelClassifierProject;
}

/** Serialises a backup (JSON; the project part is validated again on restore). */
export function encodeBackup(backup: DocumentBackup): string {
  return JSON.stringify({
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    imagePath: backup.imagePath,
    projectFile: backup.projectFile,
    addedToProject: backup.addedToProject === true,
    project: backup.project,
    ...(backup.base ? { base: backup.base } : {}),
  });
}

/**
 * Parses a backup; the embedded project goes through the same parser/validator as project files.
 * @param file name used in errors
 * @throws Error naming the file and the problem
 */
export function decodeBackup(text: string, file: string): DocumentBackup {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: backup is not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null) throw new Error(`${file}: backup is not an object`);
  const r = raw as Record<string, unknown>;
  if (r.format !== BACKUP_FORMAT) throw new Error(`${file}: not a Pixel Classifier backup`);
  if (r.version !== BACKUP_VERSION) throw new Error(`${file}: unsupported backup version ${String(r.version)}`);
  if (typeof r.imagePath !== 'string' || !path.isAbsolute(r.imagePath)) throw new Error(`${file}: backup has no valid imagePath`);
  if (typeof r.projectFile !== 'string' || !path.isAbsolute(r.projectFile)) throw new Error(`${file}: backup has no valid projectFile`);
  const project = parseProject(JSON.stringify(r.project), `${file} (project)`);
  const base = r.base === undefined ? undefined : parseProject(JSON.stringify(r.base), `${file} (base project)`);
  return { imagePath: r.imagePath, projectFile: r.projectFile, project, addedToProject: r.addedToProject === true, ...(base ? { base } : {}) };
}

/** Writes a backup atomically, creating its folder. */
export async function writeBackup(file: string, backup: DocumentBackup): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, encodeBackup(backup));
}

/** Reads and decodes a backup file. @throws Error naming the file */
export async function readBackup(file: string): Promise<DocumentBackup> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read backup (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return decodeBackup(text, file);
}

/** Deletes a backup; a missing file is fine. */
export async function deleteBackup(file: string): Promise<void> {
  await fs.rm(file, { force: true });
}
