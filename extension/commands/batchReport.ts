/**
 * Pure helpers of the batch commands (no `vscode` import, unit tested): glob brace expansion, the
 * default input glob of a project, and the text of per-file result lines.
 */
import * as path from 'node:path';
import type { BatchSummary, FileResult } from '../batch/predictWorkspace';

/** Image extensions the default glob picks up. */
export const IMAGE_EXTENSIONS = ['tif', 'tiff', 'png', 'jpg', 'jpeg'];

/**
 * Expands one level of `{a,b,…}` alternatives (the batch globber has `*`, `?`, `[…]`, `**`, not braces).
 * @example expandBraces('d/*.{tif,png}') // ['d/*.tif', 'd/*.png']
 */
export function expandBraces(pattern: string): string[] {
  const m = /\{([^{}]*)\}/.exec(pattern);
  if (!m) return [pattern];
  const head = pattern.slice(0, m.index);
  const tail = pattern.slice(m.index + m[0].length);
  return m[1].split(',').flatMap((alt) => expandBraces(head + alt + tail));
}

/** Splits the user's input (several globs separated by spaces or semicolons) and expands braces. */
export function parseGlobs(text: string): string[] {
  return text.split(/[;\s]+/).map((s) => s.trim()).filter(Boolean).flatMap(expandBraces);
}

/** The default glob: the images beside the project, relative to `baseDir` (forward slashes). */
export function defaultGlob(projectFile: string, baseDir: string): string {
  const rel = path.relative(baseDir, path.dirname(projectFile)).split(path.sep).join('/');
  return `${rel ? `${rel}/` : ''}*.{${IMAGE_EXTENSIONS.join(',')}}`;
}

/** One output-channel line per file. */
export function fileLine(result: FileResult, baseDir: string): string {
  const rel = (p: string) => path.relative(baseDir, p).split(path.sep).join('/') || p;
  const seconds = `${result.seconds.toFixed(1)} s`;
  switch (result.status) {
    case 'ok':
      return `${result.warnings?.length ? '⚠' : '✓'} ${rel(result.input)} → ${result.outputs.map(rel).join(', ')} (${seconds}${result.reason ? `, ${result.reason}` : ''})`
        + (result.warnings ?? []).map((w) => `\n    warning: ${w}`).join('');
    case 'skipped':
      return `= ${rel(result.input)} up to date (${result.outputs.map(rel).join(', ')})`;
    case 'cancelled':
      return `- ${rel(result.input)} cancelled`;
    case 'error':
      return `✗ ${rel(result.input)}: ${result.error ?? 'failed'}`;
  }
}

/** The one-sentence summary shown in a notification. */
export function summaryText(summary: BatchSummary): string {
  const count = (s: FileResult['status']) => summary.files.filter((f) => f.status === s).length;
  const parts = [`${count('ok')} predicted`, `${count('skipped')} up to date`];
  if (count('error')) parts.push(`${count('error')} failed (see Problems)`);
  const warned = summary.files.filter((f) => f.warnings?.length).length;
  if (warned) parts.push(`${warned} with warnings (see Problems)`);
  if (count('cancelled')) parts.push(`${count('cancelled')} cancelled`);
  return `Pixel Classifier: ${parts.join(', ')} in ${summary.seconds.toFixed(1)} s.`;
}
