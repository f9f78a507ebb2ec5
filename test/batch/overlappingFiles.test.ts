import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { predictWorkspace } from '../../extension/batch/predictWorkspace';
import { WorkerPool } from '../../extension/workers/workerPool';
import { trainedWorkspace } from '../cli/cliHarness';
import { buildComputeWorker } from '../workers/buildWorker';

describe('predictWorkspace with workers overlaps files', () => {
  it('two small files in flight: same bytes as one at a time inline, results and callbacks in input order, a corrupt file in the middle reported', async () => {
    const { dir } = await trainedWorkspace(5, { width: 90, height: 70 });
    writeFileSync(path.join(dir, 'img2b.tif'), Buffer.from('II*\0garbage'));
    const inputs = ['img1.tif', 'img2.tif', 'img2b.tif', 'img3.tif', 'img4.tif'];
    const inline = await predictWorkspace({
      projectFile: 'proj.pixelclass.json', inputs, baseDir: dir,
      settings: { filenameFormat: '{dataset_dir}/inline/{nickname}_{result_type}.tif' },
    });
    const pool = new WorkerPool({ size: 2, workerScript: await buildComputeWorker() });
    const done: string[] = [];
    const fractions: number[] = [];
    let maxActive = 0;
    const active = new Set<number>();
    try {
      const overlapped = await predictWorkspace({
        projectFile: 'proj.pixelclass.json', inputs, baseDir: dir, pool,
        settings: { filenameFormat: '{dataset_dir}/pool/{nickname}_{result_type}.tif' },
        tiles: { bandRows: 10 },
        onProgress: (p) => {
          fractions.push(p.fraction);
          if (p.fileFraction < 1) active.add(p.index); else active.delete(p.index);
          maxActive = Math.max(maxActive, active.size);
        },
        onFileDone: (result) => done.push(path.basename(result.input)),
      });
      expect(overlapped.files.map((f) => path.basename(f.input))).toEqual(inputs);
      expect(done).toEqual(inputs);
      expect(overlapped.files.map((f) => f.status)).toEqual(['ok', 'ok', 'error', 'ok', 'ok']);
      expect(overlapped.files[2].error).toContain('img2b.tif');
      expect(inline.files.map((f) => f.status)).toEqual(['ok', 'ok', 'error', 'ok', 'ok']);
      expect(maxActive).toBe(2);
      expect(Math.max(...fractions)).toBeLessThanOrEqual(1);
      for (const name of ['img1', 'img2', 'img3', 'img4']) {
        const a = readFileSync(path.join(dir, 'inline', `${name}_Probabilities.tif`));
        expect(readFileSync(path.join(dir, 'pool', `${name}_Probabilities.tif`)).equals(a), name).toBe(true);
      }
    } finally {
      pool.dispose();
    }
  });
});
