/**
 * Issue 14 item 9 in the batch function: with `onConflict` (the extension's Export), existing outputs that are
 * not the record of the same inputs are only replaced when the answer says so; up-to-date ones are not asked
 * about; without it (the CLI) they are overwritten as before.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { predictWorkspace, type ConflictChoice } from '../../extension/batch/predictWorkspace';
import type { OutputConflict } from '../../extension/batch/exportProvenance';
import { trainedWorkspace } from '../cli/cliHarness';

let dir: string;
beforeAll(async () => {
  ({ dir } = await trainedWorkspace(2, { width: 48, height: 40 }));
});

function run(sub: string, answer: ConflictChoice | undefined, asked: { input: string; conflicts: OutputConflict[] }[], settings = {}) {
  return predictWorkspace({
    projectFile: 'proj.pixelclass.json', inputs: ['img1.tif'], baseDir: dir,
    settings: { filenameFormat: `{dataset_dir}/${sub}/{nickname}_{result_type}.tif`, ...settings },
    onConflict: answer === undefined ? undefined : async (input, conflicts) => { asked.push({ input, conflicts }); return answer; },
  });
}

describe('existing outputs that are not ours to replace', () => {
  it('Cancel keeps the file; Keep both writes name-2; Overwrite replaces; up to date is not asked', async () => {
    const out = path.join(dir, 'q', 'img1_Probabilities.tif');
    const asked: { input: string; conflicts: OutputConflict[] }[] = [];
    expect((await run('q', 'cancel', asked)).files[0].status).toBe('ok'); // nothing there yet: no question
    expect(asked).toEqual([]);
    expect((await run('q', 'cancel', asked)).files[0]).toMatchObject({ status: 'skipped', reason: 'up to date' });
    expect(asked).toEqual([]);

    writeFileSync(out, 'my notes, not an export');
    const cancelled = await run('q', 'cancel', asked);
    expect(cancelled.files[0]).toMatchObject({ status: 'cancelled', error: 'cancelled: kept the existing img1_Probabilities.tif' });
    expect(asked).toEqual([{ input: path.join(dir, 'img1.tif'), conflicts: [{ output: out, reason: 'output img1_Probabilities.tif is not a Pixel Classifier export (no provenance inside)' }] }]);
    expect(readFileSync(out, 'utf8')).toBe('my notes, not an export');

    const both = await run('q', 'keep-both', asked);
    expect(both.files[0]).toMatchObject({ status: 'ok', outputs: [path.join(dir, 'q', 'img1_Probabilities-2.tif')] });
    expect(readFileSync(out, 'utf8')).toBe('my notes, not an export');
    expect(readdirSync(path.join(dir, 'q')).sort()).toEqual(['img1_Probabilities-2.tif', 'img1_Probabilities.tif']);

    // Our own export of other settings is "not the record of the same inputs" too.
    const overwrite = await run('q', 'overwrite', asked, { compression: 'deflate' });
    expect(asked.at(-1)!.conflicts[0].reason).toBe('output img1_Probabilities.tif is not a Pixel Classifier export (no provenance inside)');
    expect(overwrite.files[0]).toMatchObject({ status: 'ok', outputs: [out] });
    asked.length = 0;
    const other = await run('q', 'cancel', asked, { compression: 'none' });
    expect(asked[0].conflicts).toEqual([{ output: out, reason: 'export settings changed' }]);
    expect(other.files[0].status).toBe('cancelled');
  });

  it('without onConflict (the CLI) a foreign file is overwritten', async () => {
    const out = path.join(dir, 'cli', 'img1_Probabilities.tif');
    await run('cli', undefined, []);
    writeFileSync(out, 'x');
    const summary = await run('cli', undefined, []);
    expect(summary.files[0].status).toBe('ok');
    expect(readFileSync(out).length).toBeGreaterThan(1000);
  });
});
