import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as web from '../../extension/web/posixPath';

const samples = ['', '.', '..', '/', '//', '/a', '/a/', 'a', 'a/b', 'a//b/', '/a/b/../c', '/a/./b', '../a', 'a/../..', '/..', '/a/b.c', '/a/.b', '/a/b.c.d', 'b.', '/a/b/', 'x.pixelclass.json', '/ws/cells.ome.zarr/.zattrs'];

describe('posixPath (node:path in the browser bundle, issue #20) = path.posix', () => {
  it('normalize, dirname, basename, extname, isAbsolute, parse', () => {
    for (const p of samples) {
      expect(web.normalize(p), `normalize ${p}`).toBe(path.posix.normalize(p));
      expect(web.dirname(p), `dirname ${p}`).toBe(path.posix.dirname(p));
      expect(web.basename(p), `basename ${p}`).toBe(path.posix.basename(p));
      // (Node's basename('//', suffix) returns '//', a quirk no caller relies on)
      if (!/^\/+$/.test(p)) expect(web.basename(p, '.c'), `basename ${p} .c`).toBe(path.posix.basename(p, '.c'));
      expect(web.extname(p), `extname ${p}`).toBe(path.posix.extname(p));
      expect(web.isAbsolute(p), `isAbsolute ${p}`).toBe(path.posix.isAbsolute(p));
      // (Node's parse('/..') says ext '.', unlike its own extname('/..'): a quirk no caller relies on)
      if (p && p !== '/..') expect(web.parse(p), `parse ${p}`).toEqual(path.posix.parse(p));
    }
  });

  it('join, resolve (absolute), relative', () => {
    for (const a of samples) {
      for (const b of samples) {
        expect(web.join(a, b), `join ${a} ${b}`).toBe(path.posix.join(a, b));
        const absA = `/r/${a}`;
        expect(web.resolve(absA, b), `resolve ${absA} ${b}`).toBe(path.posix.resolve(absA, b));
        expect(web.relative(absA, `/r/${b}`), `relative ${absA} /r/${b}`).toBe(path.posix.relative(absA, `/r/${b}`));
      }
    }
    expect(web.join('/a', 'b', '../c', 'd.tif')).toBe('/a/c/d.tif');
  });
});
