import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hugePagesRelaunchEnv, readThpSetting } from '../../extension/cli/hugePages';
import { encodeTiff } from '../../extension/core/image/tiffWriter';
import { buildCli } from '../workers/buildWorker';

const MADVISE = 'always [madvise] never\n';

describe('hugePagesRelaunchEnv', () => {
  it('relaunches compute commands on Linux with THP available, appending the tunable', () => {
    expect(hugePagesRelaunchEnv(['train', '--image', 'a.tif'], { PATH: '/bin' }, 'linux', MADVISE))
      .toEqual({ PATH: '/bin', GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' });
    expect(hugePagesRelaunchEnv(['train'], { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'linux', '[always] madvise never')?.GLIBC_TUNABLES)
      .toBe('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
    expect(hugePagesRelaunchEnv(['features', 'x.tif', '--compression', 'deflate'], {}, 'linux', MADVISE)).toBeDefined();
  });

  it('runs an uncompressed features export in place (the workers write the file; no output volume to map)', () => {
    expect(hugePagesRelaunchEnv(['features', 'x.tif', '-o', 'f.tif'], {}, 'linux', MADVISE)).toBeUndefined();
    expect(hugePagesRelaunchEnv(['features', 'x.tif', '--compression', 'none'], {}, 'linux', MADVISE)).toBeUndefined();
  });

  it('runs predict in place (its features stay in the workers\' WebAssembly memory; a relaunch only cost time)', () => {
    expect(hugePagesRelaunchEnv(['predict', 'a.tif'], {}, 'linux', MADVISE)).toBeUndefined();
  });

  it('runs in place otherwise: other platforms, quick commands, help, THP off or unknown, already set, opted out', () => {
    expect(hugePagesRelaunchEnv(['train'], {}, 'darwin', MADVISE)).toBeUndefined();
    expect(hugePagesRelaunchEnv(['train'], {}, 'win32', MADVISE)).toBeUndefined();
    expect(hugePagesRelaunchEnv(['info', 'a.tif'], {}, 'linux', MADVISE)).toBeUndefined();
    expect(hugePagesRelaunchEnv([], {}, 'linux', MADVISE)).toBeUndefined();
    expect(hugePagesRelaunchEnv(['train', '--help'], {}, 'linux', MADVISE)).toBeUndefined();
    expect(hugePagesRelaunchEnv(['train'], {}, 'linux', 'always madvise [never]')).toBeUndefined();
    expect(hugePagesRelaunchEnv(['train'], {}, 'linux', undefined)).toBeUndefined();
    expect(hugePagesRelaunchEnv(['train'], { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }, 'linux', MADVISE)).toBeUndefined();
    expect(hugePagesRelaunchEnv(['train'], { PIXEL_CLASSIFIER_HUGE_PAGES: '0' }, 'linux', MADVISE)).toBeUndefined();
  });
});

const relaunches = process.platform === 'linux' && hugePagesRelaunchEnv(['train'], {}, 'linux', readThpSetting()) !== undefined;

describe.skipIf(!relaunches)('the built CLI relaunched with huge pages', () => {
  it('passes the exit code through', async () => {
    const cli = await buildCli();
    let status: number | undefined;
    try {
      execFileSync(process.execPath, [cli, 'features', '--compression', 'deflate', '--no-such-flag'], { stdio: 'pipe' });
    } catch (error) {
      status = (error as { status: number }).status;
    }
    expect(status).toBe(2);
  }, 60_000);

  it('forwards SIGTERM to the relaunched process and dies of it too, leaving no orphan', async () => {
    const cli = await buildCli();
    const dir = mkdtempSync(join(tmpdir(), 'pxc-hugepages-'));
    const size = 1536;
    const pixels = new Uint16Array(size * size).map((_, i) => (i * 2654435761) >>> 20);
    writeFileSync(join(dir, 'big.tif'), encodeTiff([pixels], { width: size, height: size, dtype: 'uint16' }));
    const parent = spawn(process.execPath, [cli, 'features', 'big.tif', '-o', 'out.tif', '--features', 'all', '--compression', 'deflate'], { cwd: dir, stdio: 'ignore' });
    let childPid: number | undefined;
    for (let i = 0; i < 100 && childPid === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        childPid = Number(execFileSync('pgrep', ['-P', String(parent.pid)], { encoding: 'utf8' }).trim().split('\n')[0]) || undefined;
      } catch { /* not started yet */ }
    }
    expect(childPid).toBeDefined();
    const exited = new Promise<NodeJS.Signals | null>((resolve) => parent.on('exit', (_code, signal) => resolve(signal)));
    parent.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    // The relaunched process is gone (or a zombie waiting to be reaped) — soon, not necessarily within a fixed delay on
    // a loaded machine.
    const gone = (): boolean => {
      try {
        process.kill(childPid!, 0);
      } catch {
        return true;
      }
      try {
        return readFileSync(`/proc/${childPid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? false;
      } catch {
        return true;
      }
    };
    for (let i = 0; i < 100 && !gone(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(gone()).toBe(true);
  }, 60_000);
});
