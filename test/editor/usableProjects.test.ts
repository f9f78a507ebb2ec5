import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { usableProjects } from '../../extension/editor/usableProjects';
import { createProject } from '../../extension/project/projectSchema';
import { writeProject } from '../../extension/project/projectFile';
import { selectionDefaultLight } from '../../extension/core/features/featureSet';

let dir: string;
beforeEach(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pc-usable-')); });
afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

async function projectOf(name: string, shape: { t: number; z: number; c: number; y: number; x: number }): Promise<string> {
  const p = createProject(selectionDefaultLight(), '1');
  p.images = [{ path: 'train.tif', sha256: 'a'.repeat(64), shape, dtype: 'uint16' }];
  p.labels = { 'train.tif': { t0z0: ['0: 0+1=1', 'end'] } };
  const file = path.join(dir, name);
  await writeProject(file, p);
  return file;
}

describe('usableProjects (the "add to project?" offer)', () => {
  it('offers only projects whose classifier can use the image, and says why the others are left out', async () => {
    const gray2d = await projectOf('gray.pixelclass.json', { t: 1, z: 1, c: 1, y: 64, x: 64 });
    const rgb = await projectOf('rgb.pixelclass.json', { t: 1, z: 1, c: 3, y: 64, x: 64 });
    const stack = await projectOf('stack.pixelclass.json', { t: 1, z: 12, c: 1, y: 64, x: 64 });
    const lines: string[] = [];
    const usable = await usableProjects('new.tif', { shape: { t: 1, z: 1, c: 1, y: 80, x: 80 }, dtype: 'uint16', format: 'tiff', metadata: {} }, [gray2d, rgb, stack], (l) => lines.push(l));
    expect(usable).toEqual([gray2d]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/new.tif: not offering rgb.pixelclass.json: .*channel/);
    expect(lines[1]).toMatch(/not offering stack.pixelclass.json: .*(3D|z-slices)/);
  });
});
