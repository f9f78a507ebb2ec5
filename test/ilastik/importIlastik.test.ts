import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeIlp, writeH5Image, ILASTIK_FEATURE_IDS } from './ilpWriter';
import { importIlastikProject } from '../../extension/batch/importIlastik';
import { readProject, projectLabels } from '../../extension/project/projectFile';
import { openImage } from '../../extension/node/openImage';
import { blobImage, scribbles, writeUint16Tiff } from '../cli/generatedImages';
import { cli } from '../cli/cliHarness';

let dir: string;
beforeEach(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pc-ilp-')); });
afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

/** Values `f(index)` for an array of `n` elements. */
const fill = <T extends Uint8Array | Uint16Array>(a: T, f: (i: number) => number): T => { for (let i = 0; i < a.length; i++) a[i] = f(i); return a; };

describe('import-ilastik: lanes, axis orders, internal and external data', () => {
  it('imports a 2D TIFF lane, a 2D+t HDF5 lane stored x-before-y, and an embedded 3D lane', async () => {
    await fs.mkdir(path.join(dir, 'data'));
    // Lane 0: 2D uint16 TIFF 40×30 (y×x), axes yxc; one block, class 1 at rows 2..3, columns 5..9.
    writeUint16Tiff(path.join(dir, 'data', 'cells.tif'), fill(new Uint16Array(30 * 40), (i) => i % 1000), 40, 30);
    const block2d = new Uint8Array(2 * 5 * 1).fill(1);
    // Lane 1: 2D+t, 3 frames of 20 (y) × 24 (x), stored t,x,y,c in data/movie.h5/exported_data.
    const [T, X, Y] = [3, 24, 20];
    await writeH5Image(path.join(dir, 'data', 'movie.h5'), fill(new Uint16Array(T * X * Y), (i) => i), [T, X, Y, 1], 'txyc');
    // Its block uses its own axistags (t,y,x,c): t=2, y=4..5, x=7 → class 2.
    const blockT = new Uint8Array([2, 2]);
    // Lane 2: embedded 3D uint8 volume z=4, y=10, x=12 (zyxc); block in z,y,x,c order, class 3 at z=1, y=6, x=2..4.
    const vol = fill(new Uint8Array(4 * 10 * 12), (i) => i % 251);
    const ilp = path.join(dir, 'study.ilp');
    await writeIlp(ilp, {
      labelNames: ['Nuclei', 'Background', 'Membrane'],
      labelColors: [[255, 0, 0], [0, 128, 0], [10, 20, 30]],
      scales: [0.3, 1.0, 3.5],
      selection: ILASTIK_FEATURE_IDS.map((id) => [id === 'GaussianSmoothing', true, id === 'HessianOfGaussianEigenvalues']),
      computeIn2d: [false, true, false],
      withForest: true,
      lanes: [
        { nickname: 'cells', filePath: 'data/cells.tif', axes: 'yxc', blocks: [{ start: [2, 5, 0], shape: [2, 5, 1], values: block2d }] },
        { nickname: 'movie', filePath: 'data/movie.h5/exported_data', axes: 'txyc', blocks: [{ start: [2, 4, 7, 0], shape: [1, 2, 1, 1], values: blockT, blockAxes: 'tyxc' }] },
        { nickname: 'volume', internal: { data: vol, shape: [4, 10, 12, 1] }, axes: 'zyxc', axisorder: true, blocks: [{ start: [1, 6, 2, 0], shape: [1, 1, 3, 1], values: new Uint8Array([3, 3, 3]) }] },
      ],
    });
    const result = await importIlastikProject(ilp, { extensionVersion: 'test' });
    expect(result.projectFile).toBe(path.join(dir, 'study.pixelclass.json'));
    expect(result.images.map((i) => [i.nickname, i.path, i.labelledPixels, i.extracted])).toEqual([
      ['cells', 'data/cells.tif', 10, false],
      ['movie', 'data/movie.h5/exported_data', 2, false],
      ['volume', 'volume.tif', 3, true],
    ]);
    expect(result.notImported).toEqual(expect.arrayContaining([
      expect.stringMatching(/trained random forest is not imported/),
    ]));
    const project = await readProject(result.projectFile);
    expect(project.classes).toEqual([{ name: 'Nuclei', color: '#ff0000' }, { name: 'Background', color: '#008000' }, { name: 'Membrane', color: '#0a141e' }]);
    expect(project.features.scales).toEqual([{ sigma: 0.3, in2D: false }, { sigma: 1.0, in2D: true }, { sigma: 3.5, in2D: false }]);
    expect(project.features.selected.GaussianSmoothing).toEqual([true, true, false]);
    expect(project.features.selected.LaplacianOfGaussian).toEqual([false, true, false]); // σ=0.3 not offered for LoG
    expect(project.features.selected.HessianOfGaussianEigenvalues).toEqual([false, true, true]);
    expect(project.export).toMatchObject({ format: 'hdf5', filenameFormat: '{dataset_dir}/{nickname}_{result_type}.h5', internalPath: 'exported_data' });

    const cells = projectLabels(project, 'data/cells.tif');
    expect(cells.get(0, 0, 2, 5)).toBe(1);
    expect(cells.get(0, 0, 3, 9)).toBe(1);
    expect(cells.labelledCount()).toBe(10);
    // The movie: x before y in storage; the image reads as t=3, y=20, x=24 and the labels land at (t=2, y=4..5, x=7).
    const movieEntry = project.images.find((i) => i.path === 'data/movie.h5/exported_data')!;
    expect(movieEntry.shape).toEqual({ t: 3, z: 1, c: 1, y: 20, x: 24 });
    const movie = projectLabels(project, movieEntry.path);
    expect([movie.get(2, 0, 4, 7), movie.get(2, 0, 5, 7), movie.labelledCount()]).toEqual([2, 2, 2]);
    const movieImage = await openImage(path.join(dir, 'data', 'movie.h5', 'exported_data'));
    // Pixel (t, y, x) is element ((t·X + x)·Y + y) of the stored t,x,y array.
    expect((await movieImage.readPlane(1, 0, 0))[5 * 24 + 7]).toBe((1 * X + 7) * Y + 5);
    await movieImage.close();
    // The embedded volume became volume.tif beside the project, identical voxel for voxel.
    const extracted = await openImage(path.join(dir, 'volume.tif'));
    expect(extracted.info.shape).toEqual({ t: 1, z: 4, c: 1, y: 10, x: 12 });
    expect(Array.from(await extracted.readPlane(0, 2, 0))).toEqual(Array.from(vol.subarray(2 * 120, 3 * 120)));
    await extracted.close();
    const volume = projectLabels(project, 'volume.tif');
    expect([volume.get(0, 1, 6, 2), volume.get(0, 1, 6, 4), volume.get(0, 0, 6, 2)]).toEqual([3, 3, 0]);
  });

  it('reports a missing image and imports the rest; refuses to overwrite without --force', async () => {
    const image = blobImage(32, 32, 3);
    writeUint16Tiff(path.join(dir, 'a.tif'), image.pixels, 32, 32);
    const ilp = path.join(dir, 'p.ilp');
    await writeIlp(ilp, {
      lanes: [
        { nickname: 'a', filePath: path.join(dir, 'a.tif'), axes: 'yx', blocks: [{ start: [0, 0], shape: [1, 2], values: new Uint8Array([1, 2]) }] },
        { nickname: 'gone', filePath: 'gone.tif', axes: 'yx', blocks: [{ start: [0, 0], shape: [1, 1], values: new Uint8Array([1]) }] },
      ],
    });
    const first = await importIlastikProject(ilp);
    expect(first.images.map((i) => i.path)).toEqual(['a.tif']); // an absolute path inside the folder becomes relative
    expect(first.notImported).toContain('gone: image gone.tif not found; its 1 label block(s) cannot be placed without it');
    await expect(importIlastikProject(ilp)).rejects.toThrow(/p.pixelclass.json exists; choose another output \(-o\) or pass --force/);
    await expect(importIlastikProject(ilp, { force: true })).resolves.toMatchObject({ classes: 2 });
  });

  it('damaged or foreign files get one line naming the file', async () => {
    const text = path.join(dir, 'notes.ilp');
    await fs.writeFile(text, 'hello');
    await expect(importIlastikProject(text)).rejects.toThrow('notes.ilp: not an HDF5 file (bad signature)');
    const other = path.join(dir, 'objects.ilp');
    await writeIlp(other, { workflow: 'Object Classification', lanes: [] });
    await expect(importIlastikProject(other)).rejects.toThrow('objects.ilp: is an ilastik "Object Classification" project; only Pixel Classification projects can be imported');
    const h5 = path.join(dir, 'plain.ilp');
    await writeH5Image(h5, new Uint8Array(4), [2, 2], 'yx');
    await expect(importIlastikProject(h5)).rejects.toThrow('plain.ilp: not an ilastik project (no workflowName)');
    const badSlice = path.join(dir, 'bad.ilp');
    writeUint16Tiff(path.join(dir, 'b.tif'), new Uint16Array(16), 4, 4);
    await writeIlp(badSlice, { lanes: [{ nickname: 'b', filePath: 'b.tif', axes: 'yx', blocks: [{ start: [0, 0], shape: [2, 2], values: new Uint8Array(4) }] }] });
    // Corrupt the block's slice: a 2×2 block claiming 3 rows.
    const h5wasm = (await import('h5wasm/node')).default;
    await h5wasm.ready;
    const f = new h5wasm.File(badSlice, 'a');
    const block = f.get('PixelClassification/LabelSets/labels000/block0000') as unknown as { delete_attribute(n: string): void; create_attribute(n: string, v: string): void };
    block.delete_attribute('blockSlice');
    block.create_attribute('blockSlice', '[0:3,0:2]');
    f.close();
    await expect(importIlastikProject(badSlice)).rejects.toThrow(/bad.ilp: \/PixelClassification\/LabelSets\/labels000\/block0000: blockSlice \[0:3,0:2\] does not match the block's shape 2×2/);
  });
});

describe('pixel-classifier import-ilastik', () => {
  it('imports, prints what came over and what did not, and the result trains and predicts', async () => {
    for (const [i, seed] of [[0, 5], [1, 6]]) {
      const image = blobImage(64, 48, seed);
      writeUint16Tiff(path.join(dir, `img${i}.tif`), image.pixels, 64, 48);
      const labels = scribbles(image);
      await fs.writeFile(path.join(dir, `truth${i}.json`), JSON.stringify(Array.from(image.truth)));
      // ilastik's label blocks: one per labelled row, as (y, x, c) blocks.
      const blocks = [];
      for (let row = 0; row < 48; row++) {
        const values = labels.subarray(row * 64, (row + 1) * 64);
        if (values.some((v) => v > 0)) blocks.push({ start: [row, 0, 0], shape: [1, 64, 1], values: Uint8Array.from(values) });
      }
      (globalThis as Record<string, unknown>)[`blocks${i}`] = blocks;
    }
    const g = globalThis as Record<string, unknown>;
    await writeIlp(path.join(dir, 'two.ilp'), {
      scales: [0.7, 1.6, 3.5],
      selection: ILASTIK_FEATURE_IDS.map(() => [true, true, true]),
      lanes: [0, 1].map((i) => ({ nickname: `img${i}`, filePath: `img${i}.tif`, axes: 'yxc', blocks: g[`blocks${i}`] as never })),
      export: { filenameFormat: '{dataset_dir}/{nickname}_{result_type}', format: 'tif' },
    });
    const run = await cli(dir, ['import-ilastik', 'two.ilp']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Imported two.ilp \(ilastik 1.4.0\) → two.pixelclass.json\n  2 classes, 2 image\(s\), \d+ labelled pixels\n  img0: img0.tif, \d+ labelled pixels\n/);
    const json = await cli(dir, ['import-ilastik', 'two.ilp', '-o', 'again.pixelclass.json', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, classes: 2, images: [{ path: 'img0.tif' }, { path: 'img1.tif' }] });
    const predicted = await cli(dir, ['predict', '--project', 'two.pixelclass.json', '--export-source', 'simple-segmentation', '--threads', '0', '--json', 'img1.tif']);
    expect(predicted.code).toBe(0);
    const seg = await openImage(path.join(dir, 'img1_Simple_Segmentation.tif'));
    const plane = await seg.readPlane(0, 0, 0);
    await seg.close();
    const truth = JSON.parse(await fs.readFile(path.join(dir, 'truth1.json'), 'utf8')) as number[];
    let agree = 0;
    for (let i = 0; i < truth.length; i++) if (plane[i] === truth[i]) agree++;
    expect(agree / truth.length).toBeGreaterThan(0.95);
    // Retrained with another seed, the imported classifier agrees with itself on ≥ 99.5 % of pixels (the
    // criterion the issue sets against ilastik's own forest, which cannot run here).
    const other = JSON.parse(await fs.readFile(path.join(dir, 'two.pixelclass.json'), 'utf8'));
    other.classifier.seed = 1;
    await fs.writeFile(path.join(dir, 'seed1.pixelclass.json'), JSON.stringify(other));
    const again = await cli(dir, ['predict', '--project', 'seed1.pixelclass.json', '--export-source', 'simple-segmentation', '--threads', '0',
      '--output-filename-format', '{dataset_dir}/{nickname}_seed1.tif', 'img1.tif']);
    expect(again.code, again.stderr).toBe(0);
    const seg1 = await openImage(path.join(dir, 'img1_seed1.tif'));
    const plane1 = await seg1.readPlane(0, 0, 0);
    await seg1.close();
    let same = 0;
    for (let i = 0; i < plane.length; i++) if (plane[i] === plane1[i]) same++;
    expect(same / plane.length).toBeGreaterThanOrEqual(0.995);
    const bad = await cli(dir, ['import-ilastik', 'missing.ilp']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('missing.ilp: file not found\n');
    const usage = await cli(dir, ['import-ilastik']);
    expect(usage.code).toBe(2);
  });
});
