import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANYWHERE, assertInsideRoots, isInside, PathSafetyError, resolveProjectPath, toProjectRelative } from '../../extension/project/projectPaths';

describe('project path safety', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pxc-paths-'));
  const project = path.join(dir, 'ws', 'proj');
  mkdirSync(path.join(project, 'data'), { recursive: true });
  writeFileSync(path.join(project, 'data', 'a.tif'), 'a');
  mkdirSync(path.join(dir, 'secret'));
  writeFileSync(path.join(dir, 'secret', 'key.tif'), 'k');
  symlinkSync(path.join(dir, 'secret'), path.join(project, 'link'));

  it('resolves relative paths against the project folder', () => {
    expect(resolveProjectPath(project, 'data/a.tif')).toBe(path.join(project, 'data', 'a.tif'));
    expect(resolveProjectPath(project, './data/../data/a.tif')).toBe(path.join(project, 'data', 'a.tif'));
  });

  it.each([
    ['../secret/key.tif', /outside the allowed folders/],
    ['data/../../../secret/key.tif', /outside the allowed folders/],
    ['..', /outside the allowed folders/],
    ['/etc/passwd', /must be relative/],
    ['C:/Windows/win.ini', /must be relative/],
    ['c:relative', /must be relative/],
    ['..\\..\\secret', /forward slashes/],
    ['\\\\server\\share\\x.tif', /forward slashes/],
    ['data/a.tif\0.png', /NUL/],
    ['', /empty/],
    ['link/key.tif', /symbolic link/],
  ])('refuses %j', (relative, message) => {
    expect(() => resolveProjectPath(project, relative)).toThrow(PathSafetyError);
    expect(() => resolveProjectPath(project, relative)).toThrow(message);
  });

  it('allows ../ within a wider allowed root (the workspace)', () => {
    const ws = path.join(dir, 'ws');
    mkdirSync(path.join(ws, 'other'), { recursive: true });
    expect(resolveProjectPath(project, '../other/b.tif', [ws])).toBe(path.join(ws, 'other', 'b.tif'));
    expect(() => resolveProjectPath(project, '../../secret/key.tif', [ws])).toThrow(/outside/);
  });

  it('stores forward-slash relative paths and refuses outside images', () => {
    expect(toProjectRelative(project, path.join(project, 'data', 'a.tif'))).toBe('data/a.tif');
    expect(() => toProjectRelative(project, path.join(dir, 'secret', 'key.tif'))).toThrow(/outside/);
  });

  it('images the user named (ANYWHERE): stored with ../ outside the project folder, resolved back; absolute only when resolvable', () => {
    const outside = path.join(dir, 'secret', 'key.tif');
    expect(toProjectRelative(project, outside, ANYWHERE)).toBe('../../secret/key.tif');
    expect(resolveProjectPath(project, '../../secret/key.tif', ANYWHERE)).toBe(outside);
    expect(resolveProjectPath(project, outside, ANYWHERE)).toBe(outside); // an absolute stored path (another drive on Windows)
    // confined callers (the editor, Restricted Mode, predict's roots) still refuse both forms
    expect(() => resolveProjectPath(project, '../../secret/key.tif')).toThrow(/outside the allowed folders/);
    expect(() => resolveProjectPath(project, outside)).toThrow(/must be relative/);
    // ANYWHERE loosens where, never the syntax
    for (const bad of ['c:relative', '..\\x.tif', 'a\0.tif', '']) expect(() => resolveProjectPath(project, bad, ANYWHERE)).toThrow(PathSafetyError);
  });

  it('isInside is not fooled by common prefixes', () => {
    expect(isInside('/a/b', '/a/b/c')).toBe(true);
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
    expect(isInside('/a/b', '/a/b/../c')).toBe(false);
    expect(() => assertInsideRoots('/a/bc/x', ['/a/b'])).toThrow(/outside/);
  });
});
