import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { workspaceFileSystem } from '../../extension/web/workspaceFileSystem';
import { fakeWorkspaceFs } from './fakeWorkspaceFs';

function setup() {
  const dir = mkdtempSync(path.join(tmpdir(), 'pc-wsfs-'));
  const fake = fakeWorkspaceFs();
  return { dir, fake, fs: workspaceFileSystem(fake.api, fake.uriOf) };
}

describe('workspace.fs adaptor of the platform port (issue #20)', () => {
  it('reads, writes, lists and stats with Node\'s shapes', async () => {
    const { dir, fs } = setup();
    await fs.writeFile(path.join(dir, 'a.txt'), 'héllo');
    await fs.mkdir(path.join(dir, 'sub', 'deep'), { recursive: true });
    expect(await fs.readFile(path.join(dir, 'a.txt'), 'utf8')).toBe('héllo');
    expect(Array.from(await fs.readFile(path.join(dir, 'a.txt')))).toEqual(Array.from(Buffer.from('héllo')));
    expect((await fs.readdir(dir)).sort()).toEqual(['a.txt', 'sub']);
    const entries = await fs.readdir(dir, { withFileTypes: true });
    expect(entries.map((e) => [e.name, e.isFile(), e.isDirectory()]).sort()).toEqual([['a.txt', true, false], ['sub', false, true]]);
    const st = await fs.stat(path.join(dir, 'a.txt'));
    expect([st.size, st.isFile(), st.isDirectory()]).toEqual([6, true, false]);
  });

  it('errors carry Node codes: ENOENT, EEXIST (exclusive open, mkdir), EISDIR', async () => {
    const { dir, fs } = setup();
    await expect(fs.readFile(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(fs.stat(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(fs.access(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    writeFileSync(path.join(dir, 'x'), 'x');
    await expect(fs.open(path.join(dir, 'x'), 'wx')).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(fs.mkdir(path.join(dir, 'x'))).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(fs.readFile(dir)).rejects.toMatchObject({ code: 'EISDIR' });
    await fs.rm(path.join(dir, 'missing'), { force: true });
    await expect(fs.rm(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('write-temp-then-rename replaces the target; a file handle writes positioned bytes on close', async () => {
    const { dir, fs, fake } = setup();
    const target = path.join(dir, 'p.json');
    writeFileSync(target, 'old');
    const handle = await fs.open(path.join(dir, '.p.tmp'), 'wx');
    await handle.writeFile('new project');
    await handle.sync();
    await handle.close();
    await fs.rename(path.join(dir, '.p.tmp'), target);
    expect(readFileSync(target, 'utf8')).toBe('new project');
    expect(existsSync(path.join(dir, '.p.tmp'))).toBe(false);
    expect(fake.calls.rename).toBe(1);

    const out = await fs.open(path.join(dir, 'spool'), 'w+');
    await out.write(Uint8Array.of(5, 6), 0, 2, 4);
    await out.write(Uint8Array.of(1, 2, 3), 0, 3, 0);
    const back = new Uint8Array(6);
    expect((await out.read(back, 0, 6, 0)).bytesRead).toBe(6);
    expect(Array.from(back)).toEqual([1, 2, 3, 0, 5, 6]);
    await out.close();
    expect(Array.from(readFileSync(path.join(dir, 'spool')))).toEqual([1, 2, 3, 0, 5, 6]);
  });

  it('reading a file through a handle gives its bytes in pieces', async () => {
    const { dir, fs } = setup();
    writeFileSync(path.join(dir, 'b'), Buffer.from([9, 8, 7, 6, 5]));
    const h = await fs.open(path.join(dir, 'b'), 'r');
    const buf = new Uint8Array(3);
    expect((await h.read(buf, 0, 3, 3)).bytesRead).toBe(2);
    expect(Array.from(buf.subarray(0, 2))).toEqual([6, 5]);
    await expect(h.write(buf, 0, 1, 0)).rejects.toMatchObject({ code: 'EBADF' });
    await h.close();
  });
});
