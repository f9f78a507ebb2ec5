/**
 * Issue #19, "a project file that merges", with real git: two branches label different regions of the same image
 * from a common commit; `git merge` completes without a conflict, and training on the merged project gives the
 * same model bytes as labelling both regions on one branch.
 */
import { denseLabels } from '../../extension/core/labels/labelVolume';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { blobImage, writeUint16Tiff, type BlobImage } from '../cli/generatedImages';
import { createProject, type PixelClassifierProject } from '../../extension/project/projectSchema';
import { selectionDefaultLight } from '../../extension/core/features/featureSet';
import { sha256File } from '../../extension/project/fileHash';
import { readProject, writeProject } from '../../extension/project/projectFile';
import { decodeLabels, encodeLabels } from '../../extension/core/labels/labelRle';
import { trainProjectForest } from '../../extension/batch/trainProject';
import { serializeForest } from '../../extension/core/forest/serializeForest';
import { LabelDocument } from '../../extension/editor/labelDocument';
import { MemoryLogger } from '../../extension/editor/logger';
import { openImage } from '../../extension/node/openImage';
import { fakeUri } from '../editor/fakes';

let dir: string;
let image: BlobImage;
const W = 48;
const H = 48;
const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e', GIT_CONFIG_NOSYSTEM: '1', HOME: os.tmpdir() };
const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const file = () => path.join(dir, 'a.pixelclass.json');

/** Labels the truth on rows [from, to) every 2nd column (what a user's strokes in one region amount to). */
function label(project: PixelClassifierProject, from: number, to: number): PixelClassifierProject {
  const p = JSON.parse(JSON.stringify(project)) as PixelClassifierProject;
  const volume = decodeLabels(p.labels['a.tif'], { t: 1, z: 1, y: H, x: W });
  for (let row = from; row < to; row++) for (let col = 0; col < W; col += 2) volume.setAt(row * W + col, image.truth[row * W + col]);
  p.labels['a.tif'] = encodeLabels(volume);
  return p;
}

/**
 * Saves `project`'s labels of a.tif the way the editor does: through LabelDocument.save (which used to put a new
 * lastTrained/oobError/trainingHash into the committed file after every training, so two branches always
 * conflicted; the document no longer holds them at all).
 */
async function saveLikeTheEditor(project: PixelClassifierProject): Promise<void> {
  const doc = await LabelDocument.open(fakeUri(path.join(dir, 'a.tif')), { openImage: (f) => openImage(f), logger: new MemoryLogger(), extensionVersion: '1.0.0' });
  denseLabels(doc.labels!).set(denseLabels(decodeLabels(project.labels['a.tif'], doc.labels!.shape)));
  doc.labels!.changed();
  await doc.save();
  doc.dispose();
}

let base: PixelClassifierProject;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pc-git-'));
  image = blobImage(W, H, 11);
  writeUint16Tiff(path.join(dir, 'a.tif'), image.pixels, W, H);
  base = createProject(selectionDefaultLight(), '1.0.0');
  base.classifier.trees = 8;
  base.images = [{ path: 'a.tif', sha256: await sha256File(path.join(dir, 'a.tif')), shape: { t: 1, z: 1, c: 1, y: H, x: W }, dtype: 'uint16' }];
  // The common commit already has a few labelled rows spread over the image, as a real project would.
  for (const row of [0, 12, 24, 36, 47]) base = label(base, row, row + 1);
  git('init', '-q', '-b', 'main');
  await writeProject(file(), base);
  git('add', '.');
  git('commit', '-qm', 'base');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('a project file that merges in git', () => {
  it('two branches labelling different regions merge without conflict and train the same model as one branch with both', async () => {
    git('checkout', '-qb', 'alice');
    await saveLikeTheEditor(label(base, 3, 9));
    git('commit', '-qam', 'alice labels the top');
    git('checkout', '-q', 'main');
    git('checkout', '-qb', 'bob');
    await saveLikeTheEditor(label(base, 28, 34));
    git('commit', '-qam', 'bob labels the bottom');
    // The merge itself: must complete without a conflict.
    git('merge', '-q', '--no-edit', 'alice');
    expect(git('status', '--porcelain')).toBe('');
    const merged = await readProject(file());
    const both = label(label(base, 3, 9), 28, 34);
    expect(merged).toEqual(both);
    const a = await trainProjectForest(merged, file());
    const b = await trainProjectForest(both, file());
    expect(Buffer.from(serializeForest(a.forest)).equals(Buffer.from(serializeForest(b.forest)))).toBe(true);
  });
});

describe('the model cache and .gitignore', () => {
  it('tells whether git ignores the cache and adds the pattern once', async () => {
    const { gitIgnoreState, addToGitignore } = await import('../../extension/project/gitignore');
    const cache = path.join(dir, 'a.pixelclass.model');
    await fs.writeFile(cache, 'x');
    expect(await gitIgnoreState(cache)).toBe('not-ignored');
    await fs.writeFile(path.join(dir, '.gitignore'), 'build/');
    await addToGitignore(dir);
    await addToGitignore(dir);
    expect(await fs.readFile(path.join(dir, '.gitignore'), 'utf8')).toBe('build/\n# Pixel Classifier model cache: rebuilt from the project, changes with every training\n*.pixelclass.model\n');
    expect(await gitIgnoreState(cache)).toBe('ignored');
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'pc-nogit-'));
    expect(await gitIgnoreState(path.join(outside, 'a.pixelclass.model'))).toBe('no-repo');
    await fs.rm(outside, { recursive: true, force: true });
  });
});
