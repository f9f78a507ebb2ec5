/**
 * The model cache and git (issue #19): `<name>.pixelclass.model` is derived from the project (retraining with
 * the same seed rebuilds it byte for byte) and changes with every training, so it does not belong in the
 * repository next to the project. These helpers tell whether git already ignores it and add the pattern to the
 * folder's `.gitignore`.
 */
import { files as fs, platform } from '../core/platform/platform';
import * as path from 'node:path';
import { writeFileAtomic } from './projectFile';

/** The pattern offered for `.gitignore`. */
export const MODEL_CACHE_PATTERN = '*.pixelclass.model';

/**
 * Whether git ignores `file`: `ignored`, `not-ignored`, or `no-repo` when the folder is not in a git work tree
 * (or git is not installed). Uses `git check-ignore`, so every .gitignore, .git/info/exclude and the global
 * excludes file count (the Node platform runs `git check-ignore`: extension/node/nodePlatform.ts).
 */
export function gitIgnoreState(file: string): Promise<'ignored' | 'not-ignored' | 'no-repo'> {
  // Where no git can run (the web build), the folder counts as not in a repository.
  return platform().gitIgnoreState?.(file) ?? Promise.resolve('no-repo');
}

/** Appends `pattern` to `<folder>/.gitignore` (created when missing) unless a line already says it. */
export async function addToGitignore(folder: string, pattern = MODEL_CACHE_PATTERN): Promise<void> {
  const file = path.join(folder, '.gitignore');
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  if (text.split(/\r?\n/).some((line) => line.trim() === pattern)) return;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  await writeFileAtomic(file, `${text}${separator}# Pixel Classifier model cache: rebuilt from the project, changes with every training\n${pattern}\n`);
}
