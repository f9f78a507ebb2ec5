/**
 * Path safety for project files and batch outputs: image paths in a project are relative to the project's
 * folder, and neither a project (which may come from someone else's repository) nor an output template may
 * reach outside the allowed roots (the workspace folders, or the project folder when there is no workspace).
 */
import { existsSync, realpathSync } from 'node:fs';
import * as path from 'node:path';

/** A path that is malformed or escapes the allowed roots. */
export class PathSafetyError extends Error {
  constructor(readonly requested: string, reason: string) {
    super(`${JSON.stringify(requested)}: ${reason}`);
    this.name = 'PathSafetyError';
  }
}

/** True when `child` is `root` or inside it (both absolute, normalised). */
export function isInside(root: string, child: string): boolean {
  const relative = path.relative(path.resolve(root), path.resolve(child));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Real path of `p`, or of its deepest existing ancestor joined with the rest (for files not yet written). */
function realpathOfExistingPrefix(p: string): string {
  let current = path.resolve(p);
  const rest: string[] = [];
  for (;;) {
    if (existsSync(current)) {
      try {
        return path.join(realpathSync(current), ...rest.reverse());
      } catch {
        return path.join(current, ...rest.reverse());
      }
    }
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
  if (typeof relative !== 'string' || relative === '') throw new PathSafetyError(String(relative), 'empty path');
  if (relative.includes('\0')) throw new PathSafetyError(relative, 'path contains a NUL character');
  if (relative.includes('\\')) throw new PathSafetyError(relative, 'use forward slashes in project paths');
  if (/^[a-zA-Z]:/.test(relative) || relative.startsWith('/') || path.isAbsolute(relative)) {
    throw new PathSafetyError(relative, 'project paths must be relative to the project folder');
  }
}

/**
 * Resolves a path stored in a project against the project folder.
 * @param projectDir absolute folder of the project file
 * @param relative the stored path (forward slashes, relative)
 * @param allowedRoots folders the result must stay in; defaults to the project folder
 * @throws PathSafetyError for absolute paths or paths escaping the allowed roots (`../` tricks, symlinks)
 */
export function resolveProjectPath(projectDir: string, relative: string, allowedRoots: readonly string[] = [projectDir]): string {
  assertRelativeSyntax(relative);
  const absolute = path.resolve(projectDir, ...relative.split('/'));
  assertInsideRoots(absolute, allowedRoots, 'image path');
  return absolute;
}

/**
 * The path to store in a project for an image at `absolute`: relative to the project folder, forward slashes.
 * @throws PathSafetyError when the image lies outside the allowed roots
 */
export function toProjectRelative(projectDir: string, absolute: string, allowedRoots: readonly string[] = [projectDir]): string {
  assertInsideRoots(absolute, allowedRoots, 'image');
  return path.relative(projectDir, absolute).split(path.sep).join('/');
}
