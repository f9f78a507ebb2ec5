import { describe, expect, it } from 'vitest';
import { defaultGlob, expandBraces, fileLine, parseGlobs, summaryText } from '../../extension/commands/batchReport';

describe('batch command helpers', () => {
  it('expands braces (nested and repeated) and splits several globs', () => {
    expect(expandBraces('d/*.{tif,png}')).toEqual(['d/*.tif', 'd/*.png']);
    expect(expandBraces('{a,b}/{x,y}')).toEqual(['a/x', 'a/y', 'b/x', 'b/y']);
    expect(expandBraces('plain.tif')).toEqual(['plain.tif']);
    expect(parseGlobs(' a/*.tif ; b/*.{png,jpg} ')).toEqual(['a/*.tif', 'b/*.png', 'b/*.jpg']);
    expect(parseGlobs('  ')).toEqual([]);
  });

  it('defaults to the images beside the project, relative to the workspace folder', () => {
    expect(defaultGlob('/ws/data/cells.pixelclass.json', '/ws')).toBe('data/*.{tif,tiff,png,jpg,jpeg}');
    expect(defaultGlob('/ws/cells.pixelclass.json', '/ws')).toBe('*.{tif,tiff,png,jpg,jpeg}');
  });

  it('formats per-file lines and the summary', () => {
    expect(fileLine({ input: '/ws/a.tif', status: 'ok', outputs: ['/ws/a_Probabilities.tif'], seconds: 1.234, reason: 'forced' }, '/ws'))
      .toBe('✓ a.tif → a_Probabilities.tif (1.2 s, forced)');
    expect(fileLine({ input: '/ws/b.tif', status: 'error', outputs: [], seconds: 0, error: '/ws/b.tif: truncated strip' }, '/ws'))
      .toBe('✗ b.tif: /ws/b.tif: truncated strip');
    expect(fileLine({ input: '/ws/c.tif', status: 'skipped', outputs: ['/ws/c_P.tif'], seconds: 0 }, '/ws')).toBe('= c.tif up to date (c_P.tif)');
    const summary = {
      project: 'p', shard: { index: 0, count: 1 }, settings: {} as never, ok: false, seconds: 3.21, warnings: [],
      files: [
        { input: 'a', status: 'ok' as const, outputs: [], seconds: 1 },
        { input: 'b', status: 'error' as const, outputs: [], seconds: 1 },
        { input: 'c', status: 'skipped' as const, outputs: [], seconds: 0 },
      ],
    };
    expect(summaryText(summary)).toBe('Pixel Classifier: 1 predicted, 1 up to date, 1 failed (see Problems) in 3.2 s.');
    summary.files[0] = { ...summary.files[0], warnings: ['a is 8-bit (uint8) but …'] } as never;
    expect(summaryText(summary)).toBe('Pixel Classifier: 1 predicted, 1 up to date, 1 failed (see Problems), 1 with warnings (see Problems) in 3.2 s.');
    expect(fileLine({ input: '/ws/a.png', status: 'ok', outputs: ['/ws/a_P.tif'], seconds: 1, warnings: ['a.png is 8-bit'] }, '/ws'))
      .toBe('⚠ a.png → a_P.tif (1.0 s)\n    warning: a.png is 8-bit');
  });
});
