import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { predictWorkspace } from '../../extension/batch/predictWorkspace';
import { WorkerPool } from '../../extension/workers/workerPool';
import { cli, trainedWorkspace } from './cliHarness';
import { blobImage, writeUint16Tiff } from './generatedImages';

const root = path.resolve(__dirname, '../..');
const workerScript = path.join(root, 'dist', 'computeWorker.js');

beforeAll(() => {
  // The pool runs the built worker (house rule: worker tests use the bundle).
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'ignore' });
}, 120_000);

describe('CLI and extension code paths write the same bytes', () => {
  it('CLI (inline) = batch API with a 2-worker pool and small tiles = CLI through workers', async () => {
    const { dir } = await trainedWorkspace(2, { width: 100, height: 70 });
    const names = { probabilities: 'img1_Probabilities.tif', uncertainty: 'img1_Uncertainty.tif', features: 'img1_Features.tif' };
    const pool = new WorkerPool({ size: 2, workerScript });
    try {
      for (const [source, name] of Object.entries(names)) {
        const a = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--export-source', source, '-o', '{dataset_dir}/cli/{nickname}_{result_type}.tif', 'img1.tif']);
        expect(a.code, a.stderr).toBe(0);
        const summary = await predictWorkspace({
          projectFile: 'proj.pixelclass.json', inputs: ['img1.tif'], baseDir: dir, pool,
          settings: { source: source as 'probabilities', filenameFormat: '{dataset_dir}/api/{nickname}_{result_type}.tif' },
          tiles: { bandRows: 16, tileColumns: 40 },
        });
        expect(summary.ok).toBe(true);
        const cliBytes = readFileSync(path.join(dir, 'cli', name));
        expect(readFileSync(path.join(dir, 'api', name)).equals(cliBytes), `${source}: API vs CLI`).toBe(true);
      }
    } finally {
      pool.dispose();
    }
    const b = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '2', '-o', '{dataset_dir}/cliw/{nickname}_{result_type}.tif', 'img1.tif'], { PIXEL_CLASSIFIER_WORKER_SCRIPT: workerScript });
    expect(b.code, b.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'cliw', names.probabilities)).equals(readFileSync(path.join(dir, 'cli', names.probabilities)))).toBe(true);
  });
});

describe('sharding', () => {
  it('Slurm array tasks cover every input exactly once', async () => {
    const { dir } = await trainedWorkspace(1, { width: 48, height: 40 });
    for (let i = 0; i < 7; i++) {
      const image = blobImage(48, 40, 100 + i);
      writeUint16Tiff(path.join(dir, `s${i}.tif`), image.pixels, 48, 40);
    }
    const seen: string[] = [];
    for (let task = 1; task <= 3; task++) {
      const run = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--json', '--export-source', 'simple-segmentation', '-o', '{dataset_dir}/seg/{nickname}_{result_type}.tif', 's*.tif'],
        { SLURM_ARRAY_TASK_ID: String(task), SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '3' });
      expect(run.code).toBe(0);
      const summary = JSON.parse(run.stdout);
      expect(summary.shard).toEqual({ index: task - 1, count: 3, source: 'slurm' });
      seen.push(...summary.files.map((f: { input: string }) => path.basename(f.input)));
    }
    expect(seen.sort()).toEqual(Array.from({ length: 7 }, (_, i) => `s${i}.tif`));
    const k8s: string[] = [];
    for (let index = 0; index < 2; index++) {
      const run = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--json', '--force', '--shard-count', '2', '--export-source', 'simple-segmentation', '-o', '{dataset_dir}/seg/{nickname}_{result_type}.tif', 's*.tif'],
        { JOB_COMPLETION_INDEX: String(index) });
      expect(run.code).toBe(0);
      k8s.push(...JSON.parse(run.stdout).files.map((f: { input: string }) => path.basename(f.input)));
    }
    expect(k8s.sort()).toEqual(seen);
  });
});
