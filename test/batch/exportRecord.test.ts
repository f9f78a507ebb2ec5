import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordPath, staleReason, writeRecord } from '../../extension/batch/exportRecord';
import { expandInputs, segmentRegExp } from '../../extension/batch/expandInputs';
import { defaultExportSettings } from '../../extension/project/projectSchema';

describe('export records', () => {
  it('up to date only when inputs, settings and outputs all match', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pxc-rec-'));
    const outputs = [path.join(dir, 'a_Probabilities_1.png'), path.join(dir, 'a_Probabilities_2.png')];
    outputs.forEach((o) => writeFileSync(o, 'x'));
    const inputs = { inputSha256: 'a'.repeat(64), trainingHash: 'b'.repeat(64), settings: defaultExportSettings() };
    expect(await staleReason(outputs, inputs)).toBe('no export record');
    await writeRecord(outputs, inputs);
    expect(recordPath(outputs[0])).toBe(`${outputs[0]}.pixelclass-record.json`);
    expect(await staleReason(outputs, inputs)).toBeUndefined();
    expect(await staleReason(outputs, { ...inputs, inputSha256: 'c'.repeat(64) })).toBe('input image changed');
    expect(await staleReason(outputs, { ...inputs, trainingHash: 'c'.repeat(64) })).toBe('classifier changed');
    expect(await staleReason(outputs, { ...inputs, settings: { ...inputs.settings, compression: 'deflate' } })).toBe('export settings changed');
    expect(await staleReason(outputs.slice(0, 1), inputs)).toBe('outputs changed');
    writeFileSync(outputs[1], 'xy');
    expect(await staleReason(outputs, inputs)).toBe('output a_Probabilities_2.png was modified');
    writeFileSync(recordPath(outputs[0]), '{');
    expect(await staleReason(outputs, inputs)).toBe('no export record');
  });
});

describe('glob expansion', () => {
  it('segment patterns', () => {
    expect(segmentRegExp('img?.tif').test('img1.tif')).toBe(true);
    expect(segmentRegExp('img?.tif').test('img10.tif')).toBe(false);
    expect(segmentRegExp('*.tif').test('a.b.tif')).toBe(true);
    expect(segmentRegExp('[ab]*.png').test('b1.png')).toBe(true);
    expect(segmentRegExp('[!ab]*.png').test('a1.png')).toBe(false);
    expect(segmentRegExp('a+(b).tif').test('a+(b).tif')).toBe(true);
  });

  it('expands *, ** and keeps plain paths; skips earlier exports', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pxc-glob-'));
    mkdirSync(path.join(dir, 'sub', 'deep'), { recursive: true });
    for (const f of ['a.tif', 'b.tif', 'c.png', 'sub/d.tif', 'sub/deep/e.tif', '.hidden.tif', 'a_Probabilities.tif', 'a_Probabilities.tif.pixelclass-record.json']) {
      writeFileSync(path.join(dir, f), '');
    }
    const { files, unmatched } = await expandInputs(['*.tif', '**/*.tif', 'missing.tif', 'nothing/*.tif'], dir);
    expect(files.map((f) => path.relative(dir, f))).toEqual(['a.tif', 'b.tif', 'missing.tif', 'sub/d.tif', 'sub/deep/e.tif']);
    expect(unmatched).toEqual(['nothing/*.tif']);
  });
});
