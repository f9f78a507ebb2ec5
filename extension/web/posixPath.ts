/**
 * `node:path` for the browser bundle (issue #20): esbuild resolves `node:path` to this module in dist/web (see
 * esbuild.mjs), so path arithmetic in project, editor and batch code works unchanged on the `/`-separated paths of
 * `vscode.workspace.fs` URIs. POSIX semantics of Node's `path.posix`; relative paths resolve against `/` (a web
 * worker has no current directory). Tested against `node:path` in test/web/posixPath.test.ts.
 */

export const sep = '/';
export const delimiter = ':';

/** Collapses `.`, `..` and repeated separators (Node's normalizeString). */
function normalizeSegments(path: string, allowAboveRoot: boolean): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (allowAboveRoot) out.push('..');
    } else out.push(part);
  }
  return out.join('/');
}

export function isAbsolute(path: string): boolean {
  return path.startsWith('/');
}

export function normalize(path: string): string {
  if (path === '') return '.';
  const absolute = isAbsolute(path);
  const trailing = path.endsWith('/');
  let out = normalizeSegments(path, !absolute);
  if (out === '' && !absolute) out = '.';
  if (out !== '' && trailing) out += '/';
  return absolute ? `/${out}` : out;
}

export function join(...parts: string[]): string {
  const joined = parts.filter((p) => p !== '').join('/');
  return joined === '' ? '.' : normalize(joined);
}

export function resolve(...parts: string[]): string {
  let resolved = '';
  for (let i = parts.length - 1; i >= 0 && !isAbsolute(resolved); i--) {
    if (parts[i] === '') continue;
    resolved = resolved === '' ? parts[i] : `${parts[i]}/${resolved}`;
  }
  if (!isAbsolute(resolved)) resolved = `/${resolved}`;
  const out = normalizeSegments(resolved, false);
  return `/${out}`;
}

export function relative(from: string, to: string): string {
  const a = resolve(from).split('/').filter(Boolean);
  const b = resolve(to).split('/').filter(Boolean);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => '..'), ...b.slice(common)].join('/');
}

export function dirname(path: string): string {
  // Node's algorithm, quirks included: only the last separator run is cut.
  if (path === '') return '.';
  const hasRoot = path.startsWith('/');
  let end = -1;
  let matchedSlash = true;
  for (let i = path.length - 1; i >= 1; i--) {
    if (path[i] === '/') {
      if (!matchedSlash) { end = i; break; }
    } else matchedSlash = false;
  }
  if (end === -1) return hasRoot ? '/' : '.';
  if (hasRoot && end === 1) return '//';
  return path.slice(0, end);
}

export function basename(path: string, suffix?: string): string {
  let end = path.length;
  while (end > 0 && path[end - 1] === '/') end--;
  const base = path.slice(path.lastIndexOf('/', end - 1) + 1, end);
  return suffix !== undefined && suffix !== base && base.endsWith(suffix) ? base.slice(0, base.length - suffix.length) : base;
}

export function extname(path: string): string {
  const base = basename(path);
  const dot = base.lastIndexOf('.');
  return dot <= 0 || base === '..' ? '' : base.slice(dot);
}

/** The parts of a path (Node's `path.parse`). */
export interface ParsedPath { root: string; dir: string; base: string; ext: string; name: string }

export function parse(path: string): ParsedPath {
  const root = isAbsolute(path) ? '/' : '';
  const base = basename(path);
  const ext = extname(path);
  const dirOf = dirname(path);
  const dir = path.includes('/') ? dirOf : '';
  return { root, dir, base, ext, name: ext ? base.slice(0, base.length - ext.length) : base };
}

export function format(parsed: Partial<ParsedPath>): string {
  const dir = parsed.dir ?? parsed.root ?? '';
  const base = parsed.base ?? `${parsed.name ?? ''}${parsed.ext ?? ''}`;
  return dir ? (dir === parsed.root ? `${dir}${base}` : `${dir}/${base}`) : base;
}

export function toNamespacedPath(path: string): string {
  return path;
}

const posixPath = { sep, delimiter, isAbsolute, normalize, join, resolve, relative, dirname, basename, extname, parse, format, toNamespacedPath };
/** Node's `path.posix` (this module itself). */
export const posix = posixPath;
export default posixPath;
