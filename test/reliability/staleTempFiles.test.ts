/**
 * Issue #7 follow-up: a SIGKILL during save leaves `.<name>.<pid>.<stamp>.tmp` beside the project; the next
 * successful save of that project removes those of dead writers (and very old ones), and nothing else.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeStaleTempFiles, STALE_TEMP_AGE_MS, writeFileAtomic } from '../../extension/project/projectFile';

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '0']).pid;
  expect(pid).toBeGreaterThan(0);
  return pid;
}

describe('stale temp files of writeFileAtomic', () => {
  it('the next successful save removes temp files of dead writers of the same project only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-stale-'));
    const file = join(dir, 'cells.pixelclass.json');
    const dead = deadPid();
    const staleTemp = `.cells.pixelclass.json.${dead}.lx1abc2def.tmp`;
    const otherProject = `.other.pixelclass.json.${dead}.lx1abc2def.tmp`;
    const liveRecent = `.cells.pixelclass.json.${process.ppid}.lx1abc2xyz.tmp`;
    const unrelated = 'cells.pixelclass.json.1.tmp';
    for (const name of [staleTemp, otherProject, liveRecent, unrelated]) writeFileSync(join(dir, name), 'partial');
    await writeFileAtomic(file, 'new');
    expect(readdirSync(dir).sort()).toEqual([otherProject, liveRecent, 'cells.pixelclass.json', unrelated].sort());
  });

  it('a temp file of a live pid is removed once it is older than the age limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-stale-'));
    const file = join(dir, 'a.pixelclass.json');
    const name = `.a.pixelclass.json.${process.ppid}.abc123.tmp`;
    writeFileSync(join(dir, name), 'x');
    expect(await removeStaleTempFiles(file)).toEqual([]);
    const old = (Date.now() - STALE_TEMP_AGE_MS - 60_000) / 1000;
    utimesSync(join(dir, name), old, old);
    expect(await removeStaleTempFiles(file)).toEqual([join(dir, name)]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('names with regex characters are matched literally', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-stale-'));
    const dead = deadPid();
    writeFileSync(join(dir, `.aXb.pixelclass.json.${dead}.abc.tmp`), 'x');
    expect(await removeStaleTempFiles(join(dir, 'a.b.pixelclass.json'))).toEqual([]);
    expect(readdirSync(dir)).toHaveLength(1);
  });
});
