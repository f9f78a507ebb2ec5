import { describe, expect, it } from 'vitest';
import { formatDuration, PLAIN_INTERVAL_MS, ProgressReporter } from '../../extension/cli/progressReporter';

function reporter(isTTY: boolean) {
  let out = '';
  let now = 0;
  const r = new ProgressReporter({ write: (t) => { out += t; }, isTTY, columns: 80, now: () => now });
  return { r, out: () => out, at: (ms: number) => { now = ms; } };
}

describe('ProgressReporter', () => {
  it('plain lines: one when a file starts, then one per interval; block counts from the first report', () => {
    const { r, out, at } = reporter(false);
    at(2000);
    r.update({ input: '/d/a.tif', index: 0, total: 2, fileFraction: 1 / 4, fraction: 1 / 8 });
    at(3000);
    r.update({ input: '/d/a.tif', index: 0, total: 2, fileFraction: 2 / 4, fraction: 2 / 8 }); // within the interval: silent
    at(2000 + PLAIN_INTERVAL_MS);
    r.update({ input: '/d/a.tif', index: 0, total: 2, fileFraction: 3 / 4, fraction: 3 / 8 });
    at(8000);
    r.update({ input: '/d/b.tif', index: 1, total: 2, fileFraction: 1 / 2, fraction: 3 / 4 });
    expect(out()).toBe([
      'progress: file 1/2 a.tif, block 1/4, 12% done, ETA 0:14',
      'progress: file 1/2 a.tif, block 3/4, 37% done, ETA 0:12',
      'progress: file 2/2 b.tif, block 1/2, 75% done, ETA 0:03',
      '',
    ].join('\n'));
  });

  it('a bar redrawn in place on a terminal, cleared around other output and at the end', () => {
    const { r, out, at } = reporter(true);
    at(1000);
    r.update({ input: 'a.tif', index: 0, total: 1, fileFraction: 0.5, fraction: 0.5 });
    const printed: string[] = [];
    r.print('ok a.tif\n', (t) => printed.push(t));
    r.clear();
    expect(printed).toEqual(['ok a.tif\n']);
    const bar = '[███████████████░░░░░░░░░░░░░░░]  50% file 1/1 a.tif · block 1/2 · ETA 0:01';
    expect(out()).toBe(`\r\x1b[K${bar}\r\x1b[K\r\x1b[K${bar}\r\x1b[K`);
  });

  it('formats durations as m:ss or h:mm:ss', () => {
    expect([0, 59.6, 61, 3600 + 62].map(formatDuration)).toEqual(['0:00', '1:00', '1:01', '1:01:02']);
  });
});
