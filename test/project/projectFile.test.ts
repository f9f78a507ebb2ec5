import { denseLabels } from '../../extension/core/labels/labelVolume';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectionDefaultLight } from '../../extension/core/features/featureSet';
import { applyEdit } from '../../extension/core/labels/labelEdit';
import { strokeEdit } from '../../extension/core/labels/rasterizeStroke';
import { sha256Of } from '../../extension/project/fileHash';
import {
  checkProjectImages, modelCachePath, parseProject, ProjectError, projectLabels, readProject, setProjectLabels, writeProject,
} from '../../extension/project/projectFile';
import { createProject, type PixelClassifierProject } from '../../extension/project/projectSchema';
import { stringifyProject } from '../../extension/project/stringifyProject';

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'pxc-project-'));
}

function sampleProject(): PixelClassifierProject {
  const project = createProject(selectionDefaultLight(), '0.1.0');
  project.images.push({ path: 'a.tif', sha256: sha256Of('image a'), shape: { t: 1, z: 1, c: 1, y: 64, x: 64 }, dtype: 'uint16' });
  const labels = projectLabels(project, 'a.tif');
  applyEdit(labels, strokeEdit(labels, 0, 0, [{ row: 10, column: 5 }, { row: 12, column: 30 }], 2, 1)!);
  applyEdit(labels, strokeEdit(labels, 0, 0, [{ row: 40, column: 40 }], 3, 2)!);
  setProjectLabels(project, 'a.tif', labels);
  return project;
}

describe('project read/write', () => {
  it('round-trips through the file, atomically, with no temp files left', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'p.pixelclass.json');
    const project = sampleProject();
    await writeProject(file, project);
    expect(readdirSync(dir)).toEqual(['p.pixelclass.json']);
    const back = await readProject(file);
    expect(back).toEqual(project);
    expect(denseLabels(projectLabels(back, 'a.tif'))).toEqual(denseLabels(projectLabels(project, 'a.tif')));
    // Writing the read project gives the same bytes (stable key order).
    const text = readFileSync(file, 'utf8');
    expect(stringifyProject(back)).toBe(text);
  });

  it('key order is stable whatever order the object was built in', () => {
    const a = sampleProject();
    const shuffled = JSON.parse(JSON.stringify(a, Object.keys(a).reverse())) as PixelClassifierProject;
    const b = Object.fromEntries(Object.entries(a).reverse()) as unknown as PixelClassifierProject;
    expect(stringifyProject(b)).toBe(stringifyProject(a));
    expect(Object.keys(JSON.parse(stringifyProject(a)))).toEqual(
      ['format', 'version', 'provenance', 'classes', 'classifier', 'features', 'export', 'images', 'labels']);
    expect(shuffled).toBeTruthy();
  });

  it('prints one line per label row and small objects inline', () => {
    const text = stringifyProject(sampleProject());
    expect(text).toContain('    { "name": "Label 1", "color": "#ffff00" },\n');
    expect(text).toMatch(/\n {6}"t0z0": \[\n {8}"8: 4\+7=1",\n/);
    expect(text).toMatch(/\n {8}"end"\n {6}\]\n/);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('refuses to write an invalid project or NaN', async () => {
    const dir = tempDir();
    const project = sampleProject();
    project.classes[0].color = 'red';
    await expect(writeProject(path.join(dir, 'x.pixelclass.json'), project)).rejects.toThrow(/\/classes\/0\/color/);
    expect(readdirSync(dir)).toEqual([]);
    const nan = sampleProject();
    nan.provenance.oobError = NaN;
    expect(() => stringifyProject(nan)).toThrow(/NaN/);
  });

  it('never overwrites a malformed project: reading fails, file untouched', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.pixelclass.json');
    writeFileSync(file, '{ "format": "pixel-classifier-project",\n  "version": 1,\n  "classes": [ }');
    await expect(readProject(file)).rejects.toThrow(/bad\.pixelclass\.json:3:16: invalid JSON/);
    expect(readFileSync(file, 'utf8')).toContain('"classes": [ }');
  });

  it('model cache path sits beside the project', () => {
    expect(modelCachePath('/d/a.pixelclass.json')).toBe('/d/a.pixelclass.model');
  });
});

describe('validation errors carry the JSON location', () => {
  const good = stringifyProject(sampleProject());

  function errorOf(text: string): ProjectError {
    try {
      parseProject(text, 'p.pixelclass.json');
    } catch (error) {
      expect(error).toBeInstanceOf(ProjectError);
      return error as ProjectError;
    }
    throw new Error('expected a ProjectError');
  }

  it('bad class colour: pointer and line:column', () => {
    const text = good.replace('"#0000ff"', '"blue"');
    const error = errorOf(text);
    expect(error.pointer).toBe('/classes/1/color');
    const line = text.split('\n').findIndex((l) => l.includes('"blue"')) + 1;
    expect(error.location?.line).toBe(line);
    expect(error.message).toMatch(new RegExp(`^p\\.pixelclass\\.json:${line}:\\d+ \\(at /classes/1/color\\): class colour must be "#rrggbb"`));
  });

  it('bad RLE row: pointer down to the row', () => {
    const text = good.replace('"8: 4+7=1"', '"8: 4+7=0"');
    const error = errorOf(text);
    expect(error.pointer).toBe('/labels/a.tif/t0z0/0');
    expect(error.message).toMatch(/class 0/);
  });

  it.each([
    [(s: string) => s.replace('"trees": 100', '"trees": 0'), '/classifier/trees'],
    [(s: string) => s.replace('"seed": 0', '"seed": -1'), '/classifier/seed'],
    [(s: string) => s.replace('"source": "probabilities"', '"source": "pixels"'), '/export/source'],
    [(s: string) => s.replace('"path": "a.tif"', '"path": "c:a.tif"'), '/images/0/path'],
    [(s: string) => s.replace(/"sha256": "[0-9a-f]+"/, '"sha256": "xyz"'), '/images/0/sha256'],
    [(s: string) => s.replace('"y": 64', '"y": 0'), '/images/0/shape/y'],
    [(s: string) => s.replace('"format": "pixel-classifier-project"', '"format": "something-else"'), '/format'],
    [(s: string) => s.replace('"version": 1', '"version": 99'), '/version'],
    [(s: string) => s.replace('"labels": {', '"labels": { "b.tif": {},'), '/labels/b.tif'],
    [(s: string) => s.replace('"sigma": 0.3', '"sigma": -1'), '/features/scales/0'],
    [(s: string) => s.replace('"classes": [', '"colours": 1, "classes": ['), '/colours'],
  ])('%# → %s', (mutate, pointer) => {
    expect(errorOf(mutate(good)).pointer).toBe(pointer);
  });

  it('a newer version says so', () => {
    expect(errorOf(good.replace('"version": 1', '"version": 2')).message).toMatch(/newer Pixel Classifier/);
  });

  it('labels using an undefined class are refused', () => {
    expect(errorOf(good.replace('"8: 4+7=1"', '"8: 4+7=7"')).message).toMatch(/class 7 but only 2 classes/);
  });

  it('lists all problems', () => {
    const error = errorOf(good.replace('"trees": 100', '"trees": 0').replace('"#0000ff"', '"blue"'));
    expect(error.problems.length).toBe(2);
    expect(error.message).toMatch(/and 1 more problem/);
  });
});

describe('opening a project whose images changed', () => {
  it('warns about changed, missing, moved and unsafe images and keeps labels', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.tif'), 'image a');
    writeFileSync(path.join(dir, 'b.tif'), 'image b');
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'c.tif'), 'image c');
    const project = sampleProject();
    const shape = { t: 1, z: 1, c: 1, y: 64, x: 64 };
    project.images.push({ path: 'b.tif', sha256: sha256Of('old b'), shape });
    project.images.push({ path: 'c.tif', sha256: sha256Of('image c'), shape });
    project.images.push({ path: 'gone.tif', sha256: sha256Of('gone'), shape });
    project.images.push({ path: '../outside.tif', sha256: sha256Of('x'), shape });
    const file = path.join(dir, 'p.pixelclass.json');
    await writeProject(file, project);
    const warnings = await checkProjectImages(await readProject(file), file, {
      readShape: async (p) => (p.endsWith('a.tif') ? { ...shape, c: 2 } : shape),
    });
    expect(warnings.map((w) => [w.path, w.kind])).toEqual([
      ['a.tif', 'shape-mismatch'],
      ['b.tif', 'changed'],
      ['c.tif', 'moved'],
      ['gone.tif', 'missing'],
      ['../outside.tif', 'unsafe-path'],
    ]);
    expect(warnings[2].movedTo).toBe('sub/c.tif');
    expect((await readProject(file)).labels['a.tif']).toBeDefined();
    renameSync(path.join(dir, 'a.tif'), path.join(dir, 'a2.tif'));
  });
});
