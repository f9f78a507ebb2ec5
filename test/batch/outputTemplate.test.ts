import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandTemplate, nicknameOf, resolveOutputPath } from '../../extension/batch/outputTemplate';

const ws = '/ws';
const base = { resultType: 'Probabilities', format: 'tiff' as const, baseDir: ws, allowedRoots: [ws], inputs: ['/ws/data/a.tif'] };

describe('output templates', () => {
  it('nicknames drop image extensions', () => {
    expect(nicknameOf('/d/cells.tif')).toBe('cells');
    expect(nicknameOf('/d/cells.ome.tiff')).toBe('cells');
    expect(nicknameOf('/d/x.PNG')).toBe('x');
    expect(nicknameOf('/d/archive.v2.tif')).toBe('archive.v2');
  });

  it('expands the three placeholders and refuses unknown ones', () => {
    expect(expandTemplate('{dataset_dir}/{nickname}_{result_type}.tif', { datasetDir: '/d', nickname: 'n', resultType: 'R' })).toBe('/d/n_R.tif');
    expect(() => expandTemplate('{nick}.tif', { datasetDir: '/d', nickname: 'n', resultType: 'R' })).toThrow(/unknown placeholder \{nick\}/);
  });

  it('default template writes beside the input', () => {
    expect(resolveOutputPath({ ...base, template: '{dataset_dir}/{nickname}_{result_type}.tif', input: '/ws/data/a.tif' })).toBe('/ws/data/a_Probabilities.tif');
  });

  it('fixes the extension to match the format', () => {
    expect(resolveOutputPath({ ...base, template: '{dataset_dir}/{nickname}_{result_type}.tif', input: '/ws/data/a.tif', format: 'png' })).toBe('/ws/data/a_Probabilities.png');
    expect(resolveOutputPath({ ...base, template: 'out/{nickname}', input: '/ws/data/a.tif' })).toBe('/ws/out/a.tif');
    expect(resolveOutputPath({ ...base, template: 'out/{nickname}.tiff', input: '/ws/data/a.tif' })).toBe('/ws/out/a.tiff');
  });

  it('relative templates stay in the workspace', () => {
    expect(resolveOutputPath({ ...base, template: 'results/{nickname}_{result_type}.tif', input: '/ws/data/a.tif' })).toBe('/ws/results/a_Probabilities.tif');
    expect(() => resolveOutputPath({ ...base, template: '../out/{nickname}.tif', input: '/ws/data/a.tif' })).toThrow(/outside the allowed folders/);
    expect(() => resolveOutputPath({ ...base, template: 'results/../../{nickname}.tif', input: '/ws/data/a.tif' })).toThrow(/outside/);
    expect(() => resolveOutputPath({ ...base, template: '{dataset_dir}/../../{nickname}.tif', input: '/ws/data/a.tif' })).toThrow(/outside/);
    expect(() => resolveOutputPath({ ...base, template: '{dataset_dir}{nickname}.tif', input: '/ws/data/a.tif' })).toThrow(/followed by a path separator/);
  });

  it('an absolute template is an explicit output directory', () => {
    expect(resolveOutputPath({ ...base, template: '/scratch/out/{nickname}_{result_type}.tif', input: '/ws/data/a.tif' })).toBe('/scratch/out/a_Probabilities.tif');
    expect(() => resolveOutputPath({ ...base, template: '/scratch/../etc/{nickname}.tif', input: '/ws/data/a.tif' })).toThrow(/may not contain "\.\."/);
  });

  it('never overwrites an input', () => {
    expect(() => resolveOutputPath({ ...base, template: '{dataset_dir}/{nickname}.tif', input: '/ws/data/a.tif' })).toThrow(/overwrite an input/);
    expect(() => resolveOutputPath({ ...base, template: 'data/b.tif', input: '/ws/data/a.tif', inputs: ['/ws/data/a.tif', path.join(ws, 'data', 'b.tif')] })).toThrow(/overwrite an input/);
  });
});
