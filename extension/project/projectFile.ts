/**
 * Reading and writing `<name>.pixelclass.json` (issue #5): parse → migrate → validate on read, with errors
 * that name the file, the JSON pointer and the line:column; atomic writes (temp file in the same folder,
 * fsync, rename) so a crash never leaves half a project; a malformed project is never overwritten by us.
 */
import { files as fs, platform } from '../core/platform/platform';
import * as path from 'node:path';
import { decodeLabels, encodeLabels } from '../core/labels/labelRle';
import type { LabelStore } from '../core/labels/labelVolume';
import { JsonSyntaxError, locatePath, parseJsonWithLocation, toPointer, type TextLocation } from './jsonLocation';
import { migrateProject, ProjectVersionError } from './migrateProject';
import { sha256File } from './fileHash';
import { PathSafetyError, resolveProjectPath } from './projectPaths';
import { MODEL_SUFFIX, PROJECT_SUFFIX, type PixelClassifierProject, type ProjectImage } from './projectSchema';
import { toSaveError } from './saveError';
import { stringifyProject } from './stringifyProject';
import { validateProject, type ProjectProblem } from './validateProject';

/** A project that cannot be read: names the file, where in it (pointer and line:column) and what. */
export class ProjectError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly pointer?: string,
    readonly location?: TextLocation,
    readonly problems: ProjectProblem[] = [],
  ) {
    const where = location ? `:${location.line}:${location.column}` : '';
    const at = pointer !== undefined && pointer !== '' ? ` (at ${pointer})` : '';
    super(`${file}${where}${at}: ${reason}`);
    this.name = 'ProjectError';
  }
}

/**
 * Parses project text (no file access).
 * @param file name used in error messages
 * @throws ProjectError with location for syntax errors, unsupported versions and every validation problem
 *   (the first problem in the message, all in `problems`)
 */
export function parseProject(text: string, file: string): PixelClassifierProject {
  let raw: unknown;
  try {
    raw = parseJsonWithLocation(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new ProjectError(file, `invalid JSON: ${error.reason}`, undefined, error.location);
    throw error;
  }
  let migrated: Record<string, unknown>;
  try {
    migrated = migrateProject(raw);
  } catch (error) {
    if (error instanceof ProjectVersionError) {
      throw new ProjectError(file, error.message, toPointer(error.path), locatePath(text, error.path));
    }
    throw error;
  }
  const problems = validateProject(migrated);
  if (problems.length > 0) {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    throw new ProjectError(file, first.message + more, toPointer(first.path), locatePath(text, first.path), problems);
  }
  return migrated as unknown as PixelClassifierProject;
}

/** Reads and parses a project file. @throws ProjectError (also for unreadable files) */
export async function readProject(file: string): Promise<PixelClassifierProject> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new ProjectError(file, `cannot read the project: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseProject(text, file);
}

/** Temp files of {@link writeFileAtomic} for `base`: `.<base>.<pid>.<stamp>.tmp`. */
function tempPattern(base: string): RegExp {
  return new RegExp(`^\\.${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.[0-9a-z]+\\.tmp$`);
}

/** Temp files older than this are stale even when their pid is alive (pids are reused). */
export const STALE_TEMP_AGE_MS = 10 * 60 * 1000;

function processAlive(pid: number): boolean {
  if (pid === platform().processId) return true;
  // Where processes cannot be asked (the web), every writer counts as alive: only age makes a temp file stale.
  return platform().isProcessAlive?.(pid) ?? true;
}

/**
 * Removes temp files of `file` left by a writer that was killed mid-save (SIGKILL, power loss): those whose
 * pid is not a live process, or older than {@link STALE_TEMP_AGE_MS}. Our own in-flight temp files (this pid,
 * recent) are kept. Best effort: failures are ignored, a later save tries again.
 * @returns the removed paths
 */
export async function removeStaleTempFiles(file: string, now = Date.now()): Promise<string[]> {
  const dir = path.dirname(file);
  const pattern = tempPattern(path.basename(file));
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match) continue;
    const full = path.join(dir, name);
    const pid = Number(match[1]);
    let stale = !processAlive(pid);
    if (!stale) {
      const stat = await fs.stat(full).catch(() => undefined);
      stale = stat !== undefined && now - stat.mtimeMs > STALE_TEMP_AGE_MS;
    }
    if (stale && await fs.rm(full, { force: true }).then(() => true, () => false)) removed.push(full);
  }
  return removed;
}

/**
 * Writes bytes atomically: a temporary file in the same folder, fsync, then rename over the target, so readers
 * see either the old or the new file, never a partial one. After a successful write, stale temp files of the
 * same target left by killed writers are removed ({@link removeStaleTempFiles}).
 * @throws SaveError (`Cannot save <file>: <plain reason>`) for OS errors; the temp file is removed first
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeViaTemp(file, data);
  } catch (error) {
    throw toSaveError(file, error);
  }
  await removeStaleTempFiles(file);
}

async function writeViaTemp(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${platform().processId}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  const handle = await fs.open(temp, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.rm(temp, { force: true });
    throw error;
  }
  try {
    await handle.close();
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

/**
 * Validates and writes a project atomically with the stable pretty-printer.
 * @throws ProjectError when the project is invalid (nothing is written)
 */
export async function writeProject(file: string, project: PixelClassifierProject): Promise<void> {
  const problems = validateProject(project);
  if (problems.length > 0) {
    throw new ProjectError(file, `refusing to write an invalid project: ${problems[0].message}`, toPointer(problems[0].path), undefined, problems);
  }
  await writeFileAtomic(file, stringifyProject(project));
}

/** Path of the model cache beside a project file (`a.pixelclass.json` → `a.pixelclass.model`). */
export function modelCachePath(projectFile: string): string {
  return projectFile.endsWith(PROJECT_SUFFIX) ? projectFile.slice(0, -PROJECT_SUFFIX.length) + MODEL_SUFFIX : `${projectFile}${MODEL_SUFFIX}`;
}

/** The image entry of `relativePath`, if the project has it. */
export function findProjectImage(project: PixelClassifierProject, relativePath: string): ProjectImage | undefined {
  return project.images.find((image) => image.path === relativePath);
}

/** Decodes the labels of one image of the project into a volume (zeros when it has none). */
export function projectLabels(project: PixelClassifierProject, relativePath: string): LabelStore {
  const image = findProjectImage(project, relativePath);
  if (!image) throw new Error(`image "${relativePath}" is not part of the project`);
  const { t, z, y, x } = image.shape;
  return decodeLabels(project.labels[relativePath], { t, z, y, x });
}

/** Stores the labels of one image (encoded); an image without labels is removed from the label map. */
export function setProjectLabels(project: PixelClassifierProject, relativePath: string, volume: LabelStore): void {
  if (!findProjectImage(project, relativePath)) throw new Error(`image "${relativePath}" is not part of the project`);
  const encoded = encodeLabels(volume);
  if (Object.keys(encoded).length === 0) delete project.labels[relativePath];
  else project.labels[relativePath] = encoded;
}

/** A problem with one of the project's images; the labels are kept whatever it is. */
export interface ProjectImageWarning {
  path: string;
  kind: 'missing' | 'moved' | 'changed' | 'unsafe-path' | 'shape-mismatch';
  message: string;
  /** For `moved`: where a file with the same content was found (project-relative). */
  movedTo?: string;
}

/** Options of {@link checkProjectImages}. */
export interface CheckImagesOptions {
  /** Folders images must stay in. @default [project folder] */
  allowedRoots?: string[];
  /** Reads an image's shape to compare with the stored one (optional; needs image I/O). */
  readShape?: (absolute: string) => Promise<{ t: number; z: number; c: number; y: number; x: number }>;
}

/**
 * Checks every image of an opened project: missing, moved (a file with the same content found elsewhere under
 * the project folder), changed (hash mismatch), shape mismatch, unsafe path. Never throws for a bad image and
 * never modifies the project: the labels stay, the caller shows the warnings.
 */
export async function checkProjectImages(project: PixelClassifierProject, projectFile: string, options: CheckImagesOptions = {}): Promise<ProjectImageWarning[]> {
  const projectDir = path.dirname(path.resolve(projectFile));
  const roots = options.allowedRoots ?? [projectDir];
  const warnings: ProjectImageWarning[] = [];
  let candidates: string[] | undefined;
  for (const image of project.images) {
    let absolute: string;
    try {
      absolute = resolveProjectPath(projectDir, image.path, roots);
    } catch (error) {
      if (error instanceof PathSafetyError) {
        warnings.push({ path: image.path, kind: 'unsafe-path', message: `${image.path}: ${error.message}; the image is not opened, its labels are kept` });
        continue;
      }
      throw error;
    }
    let hash: string | undefined;
    try {
      hash = await sha256File(absolute);
    } catch {
      hash = undefined;
    }
    if (hash === undefined) {
      candidates ??= await listFiles(projectDir, 3);
      let movedTo: string | undefined;
      for (const candidate of candidates.filter((c) => path.basename(c) === path.basename(absolute))) {
        if (await sha256File(candidate).catch(() => '') === image.sha256) { movedTo = path.relative(projectDir, candidate).split(path.sep).join('/'); break; }
      }
      warnings.push(movedTo
        ? { path: image.path, kind: 'moved', movedTo, message: `${image.path} is missing; the same image was found at ${movedTo} (labels kept)` }
        : { path: image.path, kind: 'missing', message: `${image.path} is missing (labels kept)` });
      continue;
    }
    if (hash !== image.sha256) {
      warnings.push({ path: image.path, kind: 'changed', message: `${image.path} changed on disk since it was labelled (sha256 differs); labels kept, check they still fit` });
    }
    if (options.readShape) {
      try {
        const shape = await options.readShape(absolute);
        const s = image.shape;
        if (shape.t !== s.t || shape.z !== s.z || shape.c !== s.c || shape.y !== s.y || shape.x !== s.x) {
          warnings.push({
            path: image.path, kind: 'shape-mismatch',
            message: `${image.path} now has shape t=${shape.t} z=${shape.z} c=${shape.c} y=${shape.y} x=${shape.x}, the project recorded t=${s.t} z=${s.z} c=${s.c} y=${s.y} x=${s.x}`,
          });
        }
      } catch (error) {
        warnings.push({ path: image.path, kind: 'changed', message: `${image.path} cannot be opened: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
  }
  return warnings;
}

async function listFiles(dir: string, depth: number): Promise<string[]> {
  const out: string[] = [];
  let entries: import('../core/platform/fileSystem').DirEntry[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isFile()) out.push(full);
    else if (entry.isDirectory() && depth > 0) out.push(...await listFiles(full, depth - 1));
  }
  return out;
}
