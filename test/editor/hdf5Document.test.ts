import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LabelDocument } from '../../extension/editor/labelDocument';
import { MemoryLogger } from '../../extension/editor/logger';
import { openImage } from '../../extension/node/openImage';
import { readProject } from '../../extension/project/projectFile';
import { sha256File } from '../../extension/project/fileHash';
import { defaultProjectFile } from '../../extension/editor/projectLocator';
import { imageDisplayName, splitHdf5Path } from '../../extension/core/image/hdf5Path';
import { writeH5Image } from '../ilastik/ilpWriter';
import { fakeUri } from './fakes';

let dir: string;
beforeEach(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pc-h5doc-')); });
afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

describe('HDF5 datasets as editor images', () => {
  it('paths split after the HDF5 file; names show the dataset; projects sit beside the file', () => {
    expect(splitHdf5Path('/d/a.h5/exported_data')).toEqual({ file: '/d/a.h5', dataset: '/exported_data' });
    expect(splitHdf5Path('rel/b.HDF5/volumes/raw/')).toEqual({ file: 'rel/b.HDF5', dataset: '/volumes/raw' });
    expect(splitHdf5Path('/d/a.h5')).toEqual({ file: '/d/a.h5', dataset: undefined });
    expect(splitHdf5Path('/d/cells.tif')).toBeUndefined();
    expect(imageDisplayName('/d/a.h5/exported_data')).toBe('a.h5/exported_data');
    expect(defaultProjectFile('/d/a.h5/exported_data')).toBe('/d/a.pixelclass.json');
    expect(defaultProjectFile('/d/a.h5/volumes/raw')).toBe('/d/a_volumes_raw.pixelclass.json');
  });

  it('opens file.h5/dataset, paints, saves the dataset path with the file hash, and reopens', async () => {
    const file = path.join(dir, 'movie.h5');
    await writeH5Image(file, Uint16Array.from({ length: 2 * 12 * 10 }, (_, i) => i), [2, 12, 10], 'tyx');
    const imagePath = `${file}/exported_data`;
    const deps = { openImage: (p: string) => openImage(p), logger: new MemoryLogger() };
    const doc = await LabelDocument.open(fakeUri(file), deps, undefined, imagePath);
    expect(doc.imageError).toBeUndefined();
    expect(doc.fileName).toBe('movie.h5/exported_data');
    expect(doc.shape).toEqual({ t: 2, z: 1, c: 1, y: 12, x: 10 });
    expect(doc.projectFile).toBe(path.join(dir, 'movie.pixelclass.json'));
    expect(doc.relativeProjectFile()).toBe('movie.pixelclass.json');
    doc.paint(1, 0, 1, 1, new Float32Array([3.5, 4.5]));
    await doc.save();
    const project = await readProject(doc.projectFile);
    expect(project.images).toMatchObject([{ path: 'movie.h5/exported_data', shape: { t: 2, z: 1, c: 1, y: 12, x: 10 }, dtype: 'uint16' }]);
    expect(project.images[0].sha256).toBe(await sha256File(file));
    expect(Object.keys(project.labels['movie.h5/exported_data'])).toEqual(['t1z0']);
    doc.dispose();
    const again = await LabelDocument.open(fakeUri(file), deps, undefined, imagePath);
    expect(again.labels!.get(1, 0, 4, 3)).toBe(1);
    expect(again.warnings).toEqual([]);
    again.dispose();
  });
});
