/**
 * Issue #7, "Bad input": the CLI given fuzzed and corpus files. `info` exits non-zero with the file
 * and the reason for each bad file; `predict` reports every bad input as a per-file error naming it,
 * still predicts the good inputs around them, exits 1, and leaves no partial output behind.
 */
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, trainedWorkspace } from '../cli/cliHarness';
import { mutatedInput, seedsFor, type FuzzTarget } from './fuzz/campaign';
import type { CorpusEntry } from './fuzz/makeCorpus';

const CORPUS = path.join(__dirname, '../fixtures/fuzz');
const manifest = (JSON.parse(readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8')) as CorpusEntry[])
  .filter((e) => !e.file.endsWith('.json'));

let dir = '';
/** Bad inputs placed in the workspace: the corpus's refused images plus fuzzed ones that fail to open. */
const bad: string[] = [];

beforeAll(async () => {
  ({ dir } = await trainedWorkspace(2));
  for (const e of manifest.filter((m) => m.expect === 'error')) {
    copyFileSync(path.join(CORPUS, e.file), path.join(dir, e.file));
    bad.push(e.file);
  }
  // Fuzzed inputs named like images (a few of each format), whatever they decode to.
  for (const target of ['tiff', 'png', 'jpeg'] as FuzzTarget[]) {
    const seeds = await seedsFor(target);
    for (let i = 0; i < 6; i++) {
      const { bytes } = mutatedInput(target, seeds, 99, i);
      const name = `fuzz${i}.${target === 'jpeg' ? 'jpg' : target === 'png' ? 'png' : 'tif'}`;
      writeFileSync(path.join(dir, name), bytes);
    }
  }
}, 300_000);

describe('CLI with bad inputs', () => {
  it('info: exit 1 with "<file>: <reason>" for every refused corpus file, exit 0 for a good one', async () => {
    for (const file of bad) {
      const run = await cli(dir, ['info', file]);
      expect(run.code, file).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.startsWith(`${file}: `), run.stderr).toBe(true);
      expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1); // one clear line, no stack trace
    }
    expect((await cli(dir, ['info', 'img1.tif'])).code).toBe(0);
    expect((await cli(dir, ['info', 'img0.tif'])).code).toBe(0);
  }, 120_000);

  it('info on fuzzed files: exit 0 or 1, never a crash (exit 2 is usage only)', async () => {
    for (const file of readdirSync(dir).filter((f) => f.startsWith('fuzz'))) {
      const run = await cli(dir, ['info', '--json', file]);
      expect([0, 1], `${file}: ${run.stderr}`).toContain(run.code);
      if (run.code === 1) expect(run.stderr.startsWith(`${file}: `)).toBe(true);
      else expect(JSON.parse(run.stdout).name).toBe(file);
    }
  }, 120_000);

  it('predict: every bad input is a per-file error naming it, the good inputs around them are predicted, exit 1', async () => {
    const fuzzed = readdirSync(dir).filter((f) => f.startsWith('fuzz'));
    const inputs = ['img0.tif', ...bad, ...fuzzed, 'img1.tif'];
    const run = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--json', '-o', '{dataset_dir}/out/{nickname}_{result_type}.tif', ...inputs]);
    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout) as { files: { input: string; status: string; error?: string; outputs: string[] }[] };
    const byName = new Map(summary.files.map((f) => [path.basename(f.input), f]));
    expect(byName.size).toBe(inputs.length); // every input got a result
    for (const good of ['img0.tif', 'img1.tif']) {
      expect(byName.get(good)!.status, byName.get(good)!.error).toBe('ok');
      expect(byName.get(good)!.outputs).toEqual([path.join(dir, 'out', `${good.replace('.tif', '')}_Probabilities.tif`)]);
    }
    for (const file of bad) {
      const result = byName.get(file)!;
      expect(result.status, file).toBe('error');
      expect(result.error).toContain(file);
    }
    for (const file of fuzzed) {
      const result = byName.get(file)!;
      // a fuzzed file may still be a valid image (then it is predicted, or refused for its channel count)
      expect(['ok', 'error'], `${file}: ${result.error}`).toContain(result.status);
      if (result.status === 'error') expect(result.error).toContain(file);
    }
    expect(readdirSync(path.join(dir, 'out')).filter((f) => f.includes('partial') || f.startsWith('.'))).toEqual([]);
  }, 300_000);
});
