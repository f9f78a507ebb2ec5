/**
 * Issue #20's "identical results" check, shared by the copy-mode and shared-memory test files: a project trained and
 * predicted through the browser's code paths — the `workspace.fs` adaptor (over a fake), the pure-TS SHA-256, the web
 * image opener and TIFF writer, and the one WorkerPool driving (fake, in-process) Web Workers with the web protocol —
 * gives the same model bytes and the same probability TIFF bytes as the desktop's Node path (the CLI).
 *
 * The test files swap each extension/node module for a switch between it and its extension/web counterpart
 * (platformSwitch.ts), as the browser bundle does at build time.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'vitest';
import { predictWorkspace } from '../../extension/batch/predictWorkspace';
import { trainProjectForest } from '../../extension/batch/trainProject';
import { serializeForest } from '../../extension/core/forest/index';
import { installPlatform } from '../../extension/core/platform/platform';
import { PureSha256 } from '../../extension/core/platform/sha256';
import { installNodePlatform } from '../../extension/node/nodePlatform';
import { decodeModelCache } from '../../extension/project/modelCache';
import { modelCachePath, parseProject } from '../../extension/project/projectFile';
import { WebPoolWorker, type MemoryMode } from '../../extension/web/webPoolWorker';
import { workspaceFileSystem } from '../../extension/web/workspaceFileSystem';
import { openImage as webOpenImage } from '../../extension/web/openImage';
import { WorkerPool } from '../../extension/workers/workerPool';
import { cli, trainedWorkspace } from '../cli/cliHarness';
import { fakeWorkspaceFs } from './fakeWorkspaceFs';
import { InProcessWebWorker } from './inProcessWebWorker';
import { platformSwitch } from './platformSwitch';

/** Runs the comparison with the pool's `memory` mode. */
export async function expectWebEqualsDesktop(memory: MemoryMode): Promise<void> {
  // Desktop: the CLI on the Node platform trains (model cache) and predicts with 2 worker threads' worth of tiles.
  platformSwitch.web = false;
  installNodePlatform();
  const { dir } = await trainedWorkspace(2, { width: 90, height: 72 });
  const projectFile = path.join(dir, 'proj.pixelclass.json');
  const desktopModel = decodeModelCache(new Uint8Array(readFileSync(modelCachePath(projectFile))));
  if ('invalid' in desktopModel) throw new Error(desktopModel.invalid);
  const desktopRun = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '-o', '{dataset_dir}/desktop/{nickname}_{result_type}.tif', 'img1.tif']);
  expect(desktopRun.code, desktopRun.stderr).toBe(0);

  // Web: every file access through the workspace.fs adaptor, hashing in pure TS, compute through web workers.
  platformSwitch.web = true;
  const fake = fakeWorkspaceFs();
  installPlatform({ name: 'web', fs: workspaceFileSystem(fake.api, fake.uriOf), createSha256: () => new PureSha256(), processId: 424242 });
  const workers: InProcessWebWorker[] = [];
  const pool = new WorkerPool({ size: 2, createWorker: () => { const w = new InProcessWebWorker(); workers.push(w); return new WebPoolWorker(w, memory); } });
  try {
    const project = parseProject(readFileSync(projectFile, 'utf8'), projectFile);
    const trained = await trainProjectForest(project, projectFile, { pool, openImage: (file) => webOpenImage(file) });
    expect(Buffer.from(serializeForest(trained.forest)).equals(Buffer.from(desktopModel.forestBytes)), 'model bytes: web = desktop').toBe(true);

    const summary = await predictWorkspace({
      projectFile: 'proj.pixelclass.json', inputs: [path.join(dir, 'img1.tif')], baseDir: dir, pool,
      settings: { source: 'probabilities', filenameFormat: '{dataset_dir}/web/{nickname}_{result_type}.tif' },
      tiles: { bandRows: 16, tileColumns: 40 },
    });
    expect(summary.ok, JSON.stringify(summary)).toBe(true);
    const web = readFileSync(path.join(dir, 'web', 'img1_Probabilities.tif'));
    const desktop = readFileSync(path.join(dir, 'desktop', 'img1_Probabilities.tif'));
    expect(web.length).toBeGreaterThan(90 * 72 * 4);
    expect(web.equals(desktop), 'probabilities TIFF bytes: web = desktop').toBe(true);
    // The web run really went through the fake workspace.fs and the web workers.
    expect(fake.calls.readFile ?? 0).toBeGreaterThan(0);
    expect(fake.calls.rename ?? 0).toBeGreaterThan(0);
    expect(workers.reduce((n, w) => n + w.jobs, 0)).toBeGreaterThan(0);
  } finally {
    await pool.dispose();
    platformSwitch.web = false;
    installNodePlatform();
  }
}
