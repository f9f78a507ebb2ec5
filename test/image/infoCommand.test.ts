import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../extension/cli/main';
import type { CliIo } from '../../extension/cli/cliCommand';
import { encodeTiff } from '../../extension/core/image/tiffWriter';

const dir = mkdtempSync(join(tmpdir(), 'pc-info-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(): CliIo & { out: string; err: string } {
  const r = {
    out: '', err: '', cwd: dir, env: {},
    stdout(t: string) { r.out += t; },
    stderr(t: string) { r.err += t; },
  };
  return r;
}

describe('pixel-classifier info', () => {
  const planes = Array.from({ length: 6 }, (_, i) => new Uint16Array(12).fill(i));
  writeFileSync(join(dir, 'stack.tif'), encodeTiff(planes, { width: 4, height: 3, dtype: 'uint16', shape: { t: 1, z: 3, c: 2 }, channelNames: ['a', 'b'] }));
  writeFileSync(join(dir, 'broken.tif'), new Uint8Array([0x49, 0x49, 42, 0, 200, 0, 0, 0]));

  it('prints shape, axes, dtype, pages, compression and metadata', async () => {
    const r = io();
    expect(await runCli(['info', 'stack.tif'], r)).toBe(0);
    expect(r.out).toContain('shape:       t=1 z=3 c=2 y=3 x=4');
    expect(r.out).toContain('axes:        ZCYX');
    expect(r.out).toContain('dtype:       uint16');
    expect(r.out).toContain('pages:       6');
    expect(r.out).toContain('compression: none');
    expect(r.out).toContain('channelNames: ["a","b"]');
    // Levels and pixel size are reported for every format (issue #13).
    expect(r.out).toContain('pixel size:  not stated');
    expect(r.out).toContain('levels:      1\n  0: z=3 y=3 x=4  scale z=1 y=1 x=1');
  });

  it('--json is machine readable', async () => {
    const r = io();
    expect(await runCli(['info', join(dir, 'stack.tif'), '--json'], r)).toBe(0);
    const info = JSON.parse(r.out);
    expect(info).toMatchObject({ format: 'tiff', axes: 'ZCYX', dtype: 'uint16', pages: 6, shape: { t: 1, z: 3, c: 2, y: 3, x: 4 } });
    expect(info.metadata.imagej.channels).toBe(2);
  });

  it('bad file → exit 1 with a one-line error', async () => {
    const r = io();
    expect(await runCli(['info', 'broken.tif'], r)).toBe(1);
    expect(r.err).toMatch(/^broken\.tif: .*outside the file.*\n$/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    const missing = io();
    expect(await runCli(['info', 'nope.png'], missing)).toBe(1);
    expect(missing.err).toBe('nope.png: file not found\n');
    const folder = io();
    expect(await runCli(['info', '.'], folder)).toBe(1);
    expect(folder.err).toBe('.: is a directory\n');
  });

  it('usage errors exit 2', async () => {
    const r = io();
    expect(await runCli(['info'], r)).toBe(2);
    expect(await runCli(['info', 'a.tif', '--bogus'], r)).toBe(2);
  });
});
