/**
 * Path safety for project files and batch outputs: image paths in a project are relative to the project's
 * folder, and neither a project (which may come from someone else's repository) nor an output template may
 * reach outside the allowed roots (the workspace folders, or the project folder when there is no workspace).
 *
 * Images the user names on the command line may live anywhere ({@link ANYWHERE}): they are stored as a
 * relative path (with `../` when outside the project folder), or as an absolute path with forward slashes
 * when no relative path exists (another drive on Windows). Such paths resolve only where the caller allows
 * them — a project opened in the editor, in Restricted Mode or not, stays confined to its roots.
 */
import { platform } from '../core/platform/platform';
import * as path from 'node:path';

/** A path that is malformed or escapes the allowed roots. */
export class PathSafetyError extends Error {
  constructor(readonly requested: string, reason: string) {
    super(`${JSON.stringify(requested)}: ${reason}`);
    this.name = 'PathSafetyError';
  }
}

/** Allowed roots that confine nothing: images the user named themselves (the CLI). */
export const ANYWHERE = 'anywhere' as const;

/** Folders paths must stay in, or {@link ANYWHERE}. */
export type AllowedRoots = readonly string[] | typeof ANYWHERE;

/** True when `child` is `root` or inside it (both absolute, normalised). */
export function isInside(root: string, child: string): boolean {
  const relative = path.relative(path.resolve(root), path.resolve(child));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Real path of `p`, or of its deepest existing ancestor joined with the rest (for files not yet written). */
function realpathOfExistingPrefix(p: string): string {
  let current = path.resolve(p);
  const rest: string[] = [];
  const realpathSync = platform().realpathSync;
  if (!realpathSync) return current; // no symbolic links to resolve through this platform's file access (the web)
  for (;;) {
    const real = realpathSync(current);
    if (real !== undefined) return path.join(real, ...rest.reverse());
    const parent = path.dirname(current);
    if (parent === current) return path.join(current, ...rest.reverse());
    rest.push(path.basename(current));
    current = parent;
  }
}

/**
 * Throws unless `absolute` lies inside one of `roots`, both literally and after resolving symlinks
 * (so a symlink inside the workspace cannot lead outside it).
 */
export function assertInsideRoots(absolute: string, roots: readonly string[], what = 'path'): void {
  const resolved = path.resolve(absolute);
  if (!roots.some((root) => isInside(root, resolved))) {
    throw new PathSafetyError(absolute, `${what} is outside the allowed folders (${roots.join(', ')})`);
  }
  const real = realpathOfExistingPrefix(resolved);
  if (!roots.some((root) => isInside(realpathOfExistingPrefix(root), real))) {
    throw new PathSafetyError(absolute, `${what} leads outside the allowed folders through a symbolic link`);
  }
}

/**
 * Checks the syntax of a project-relative path: not empty, not absolute (POSIX, drive letter or UNC), forward
 * slashes only, no NUL.
 */
export function assertRelativeSyntax(relative: string): void {
  assertStoredPathSyntax(relative, false);
}

/** True for a stored path that is absolute on this system (`/data/a.tif`, or `C:/data/a.tif` on Windows). */
export function isAbsoluteStoredPath(stored: string): boolean {
  return path.isAbsolute(stored) && (stored.startsWith('/') || /^[a-zA-Z]:\//.test(stored));
}

/**
 * Checks the syntax of a stored image path: not empty, forward slashes only, no NUL; relative, or — only when
 * `allowAbsolute` — absolute on this system.
 */
export function assertStoredPathSyntax(stored: string, allowAbsolute: boolean): void {
  if (typeof stored !== 'string' || stored === '') throw new PathSafetyError(String(stored), 'empty path');
  if (stored.includes('\0')) throw new PathSafetyError(stored, 'path contains a NUL character');
  if (stored.includes('\\')) throw new PathSafetyError(stored, 'use forward slashes in project paths');
  if (allowAbsolute && isAbsoluteStoredPath(stored)) return;
  if (/^[a-zA-Z]:/.test(stored) || stored.startsWith('/') || path.isAbsolute(stored)) {
    throw new PathSafetyError(stored, 'project paths must be relative to the project folder');
  }
}

/**
 * Resolves a path stored in a project against the project folder.
 * @param projectDir absolute folder of the project file
 * @param relative the stored path (forward slashes, relative)
 * @param allowedRoots folders the result must stay in; defaults to the project folder
 * @throws PathSafetyError for absolute paths or paths escaping the allowed roots (`../` tricks, symlinks)
 */
export function resolveProjectPath(projectDir: string, relative: string, allowedRoots: AllowedRoots = [projectDir]): string {
  const anywhere = allowedRoots === ANYWHERE;
  assertStoredPathSyntax(relative, anywhere);
  const absolute = isAbsoluteStoredPath(relative) ? path.resolve(relative) : path.resolve(projectDir, ...relative.split('/'));
  if (!anywhere) assertInsideRoots(absolute, allowedRoots, 'image path');
  return absolute;
}

/**
 * The path to store in a project for an image at `absolute`: relative to the project folder (with `../`
 * when outside it), forward slashes; absolute (forward slashes) only when no relative path exists, i.e. the
 * image is on another drive than the project (Windows) — which only {@link ANYWHERE} allows.
 * @throws PathSafetyError when the image lies outside the allowed roots
 */
export function toProjectRelative(projectDir: string, absolute: string, allowedRoots: AllowedRoots = [projectDir]): string {
  if (allowedRoots !== ANYWHERE) assertInsideRoots(absolute, allowedRoots, 'image');
  const relative = path.relative(projectDir, absolute);
  if (path.isAbsolute(relative)) {
    if (allowedRoots !== ANYWHERE) throw new PathSafetyError(absolute, 'image is on another drive than the project');
    return path.resolve(absolute).split(path.sep).join('/');
  }
  return relative.split(path.sep).join('/');
}
