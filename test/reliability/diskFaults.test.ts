/**
 * Issue #7, "Faults": disk full and read-only folders on save and export. Real faults, no mocks:
 * - disk full: the child runs under `ulimit -f` (RLIMIT_FSIZE, with SIGXFSZ ignored), so its writes past
 *   the limit fail with EFBIG exactly like a full disk fails with ENOSPC;
 * - read-only folder: a folder with mode 0555, written by an unprivileged user (tests usually run as
 *   root, for whom modes do not apply, so the child drops to `nobody`; without root, chmod suffices).
 * Each case: a clear error (`Cannot save <target>: <plain reason>`), the previous project byte-identical, and no partial file left behind
 * under the real name (nor any temp file).
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_SUFFIX } from '../../extension/project/projectSchema';
import { buildChild } from './helpers/buildChild';
import { generationText } from './helpers/projectGenerations';

let child = '';
beforeAll(async () => {
  child = await buildChild('saveLoopChild.ts');
  chmodSync(dirname(child), 0o755); // readable by `nobody` for the read-only case
}, 120_000);

const isRoot = process.getuid?.() === 0;
/** Plain reasons users see (the messages name the target, never the temp file). */
const EFBIG_REASON = 'disk full (the file is larger than the disk or the file-size limit allows)';
const EACCES_REASON = 'permission denied (the folder or file is read-only for you)';

function run(args: string[], options: { fileSizeLimitKiB?: number; asNobody?: boolean } = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const node = [process.execPath, child, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const script = options.fileSizeLimitKiB ? `trap '' XFSZ; ulimit -f ${options.fileSizeLimitKiB}; exec ${node}` : `exec ${node}`;
    const proc = spawn('/bin/bash', ['-c', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.asNobody && isRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    proc.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    proc.on('error', reject);
    proc.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('disk full (RLIMIT_FSIZE → EFBIG)', () => {
  it('saving a project fails clearly and keeps the previous project byte-identical, with no temp file left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-full-'));
    const file = join(dir, `cells${PROJECT_SUFFIX}`);
    const before = generationText(0);
    writeFileSync(file, before);
    expect(before.length).toBeGreaterThan(32 * 1024); // so it cannot fit under the 16 KiB limit
    const result = await run(['once', file, '1'], { fileSizeLimitKiB: 16 });
    expect(result.err).toBe('');
    expect(result.code).toBe(1);
    expect(result.out).toBe(`error EFBIG Cannot save ${file}: ${EFBIG_REASON}\n`);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual([`cells${PROJECT_SUFFIX}`]);
  }, 60_000);

  it('a new project that does not fit leaves no file at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-full-'));
    const file = join(dir, `cells${PROJECT_SUFFIX}`);
    const result = await run(['once', file, '3'], { fileSizeLimitKiB: 16 });
    expect(result.out).toBe(`error EFBIG Cannot save ${file}: ${EFBIG_REASON}\n`);
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);

  it('a TIFF export that does not fit fails clearly and leaves neither the output nor its partial/spool files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-full-'));
    const file = join(dir, 'cells_Probabilities.tif');
    const result = await run(['tiff', file], { fileSizeLimitKiB: 64 });
    expect(result.err).toBe('');
    expect(result.out).toBe(`error EFBIG Cannot save ${file}: ${EFBIG_REASON}\n`);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);

  it('the same export completes without the limit (the fault, not the harness, made it fail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-full-'));
    const file = join(dir, 'cells_Probabilities.tif');
    const result = await run(['tiff', file]);
    expect(result.out).toBe('ok\n');
    expect(readdirSync(dir)).toEqual(['cells_Probabilities.tif']);
    expect(readFileSync(file).length).toBeGreaterThan(512 * 512 * 4);
  }, 60_000);
});

describe('read-only folder (EACCES)', () => {
  it('saving a project into a read-only folder fails clearly and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-ro-'));
    const file = join(dir, `cells${PROJECT_SUFFIX}`);
    const before = generationText(0);
    writeFileSync(file, before);
    chmodSync(file, 0o644);
    chmodSync(dir, 0o555);
    try {
      const result = await run(['once', file, '1'], { asNobody: true });
      expect(result.err).toBe('');
      expect(result.out).toBe(`error EACCES Cannot save ${file}: ${EACCES_REASON}\n`);
      expect(readFileSync(file, 'utf8')).toBe(before);
      expect(readdirSync(dir)).toEqual([`cells${PROJECT_SUFFIX}`]);
    } finally {
      chmodSync(dir, 0o755);
    }
  }, 60_000);

  it('exporting into a read-only folder fails clearly and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-ro-'));
    chmodSync(dir, 0o555);
    try {
      const result = await run(['tiff', join(dir, 'out.tif')], { asNobody: true });
      expect(result.out).toBe(`error EACCES Cannot save ${join(dir, 'out.tif')}: ${EACCES_REASON}\n`);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      chmodSync(dir, 0o755);
    }
  }, 60_000);
});
