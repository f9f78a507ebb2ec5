/**
 * Expands the CLI's `<images or globs…>` (issue #6) without a shell: `*`, `?`, `[abc]` within a path segment
 * and `**` across folders. Plain paths are kept as given (a missing file is reported by the prediction,
 * not dropped). Files a glob matches that are exports of an earlier run are
 * left out: they carry their provenance inside (issue 19) or, from earlier versions, a sidecar record. Results are
 * absolute, de-duplicated and sorted.
 */
import { files as fs } from '../core/platform/platform';
import * as path from 'node:path';
import { isExport } from './exportProvenance';
import { RECORD_SUFFIX } from './legacyExportRecord';

/** An OME-Zarr store is a folder that is one image: `*.zarr` matches it (and `**` does not descend into it). */
function isZarrFolder(name: string): boolean {
  return /\.zarr$/i.test(name);
}

/** True when `pattern` contains glob characters. */
export function isGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** A regular expression for one glob path segment. */
export function segmentRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end < 0) { re += '\\['; continue; }
      let body = segment.slice(i + 1, end);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

async function walk(dir: string, segments: string[], out: Set<string>): Promise<void> {
  if (segments.length === 0) {
    out.add(dir);
    return;
  }
  const [head, ...rest] = segments;
  if (head === '**') {
    await walk(dir, rest, out);
    let entries: import('../core/platform/fileSystem').DirEntry[];
    try { entries = await fs.readdir(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.') && !isZarrFolder(e.name)) await walk(path.join(dir, e.name), segments, out);
    return;
  }
  if (!isGlob(head)) {
    const next = path.join(dir, head);
    if (rest.length === 0) {
      try { const s = await fs.stat(next); if (s.isFile() || (s.isDirectory() && isZarrFolder(next))) out.add(next); } catch { /* no match */ }
    } else await walk(next, rest, out);
    return;
  }
  const re = segmentRegExp(head);
  let entries: import('../core/platform/fileSystem').DirEntry[];
  try { entries = await fs.readdir(dir, { withFileTypes: true }); } catch { return; }
  for (const e of entries) {
    if (!re.test(e.name) || (e.name.startsWith('.') && !head.startsWith('.'))) continue;
    const next = path.join(dir, e.name);
    if (rest.length === 0) { if (e.isFile() || (e.isDirectory() && isZarrFolder(e.name))) out.add(next); } else if (e.isDirectory()) await walk(next, rest, out);
  }
}

/**
 * Expands patterns relative to `cwd`.
 * @returns absolute paths, sorted; `unmatched` lists globs that matched nothing
 */
export async function expandInputs(patterns: readonly string[], cwd: string): Promise<{ files: string[]; unmatched: string[] }> {
  const files = new Set<string>();
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    if (!isGlob(pattern)) {
      files.add(path.resolve(cwd, pattern));
      continue;
    }
    const absolute = path.resolve(cwd, pattern);
    const root = path.parse(absolute).root;
    const segments = absolute.slice(root.length).split(/[\\/]+/).filter(Boolean);
    const found = new Set<string>();
    await walk(root, segments, found);
    // Our own exports (provenance inside, or a legacy record beside them) and legacy records are never inputs
    // of a glob: re-running `predict 'img*.tif'` must not predict yesterday's img_Probabilities.tif.
    for (const f of found) {
      if (f.endsWith(RECORD_SUFFIX) || await isExport(f)) found.delete(f);
    }
    if (found.size === 0) unmatched.push(pattern);
    for (const f of found) files.add(f);
  }
  return { files: [...files].sort(), unmatched };
}
