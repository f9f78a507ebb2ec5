import { describe, expect, it } from 'vitest';
import { chooseLevel, quickLevel, tileRef, tileSizeAt, visibleTiles } from '../../webview/canvas/tileGrid';

const levels = [{ width: 3000, height: 2000, scale: 1 }, { width: 1500, height: 1000, scale: 2 }, { width: 750, height: 500, scale: 4 }];

describe('tile grid of the tiled view (issue #13)', () => {
  it('chooses the coarsest level whose pixels are at most one device pixel', () => {
    expect(chooseLevel(levels, 2)).toBe(0);
    expect(chooseLevel(levels, 1)).toBe(0);
    expect(chooseLevel(levels, 0.5)).toBe(1);
    expect(chooseLevel(levels, 0.3)).toBe(1);
    expect(chooseLevel(levels, 0.25)).toBe(2);
    expect(chooseLevel(levels, 0.01)).toBe(2);
  });

  it('tiles cover level 0 exactly once, edge tiles clipped', () => {
    for (let level = 0; level < 3; level++) {
      const tiles = visibleTiles(levels, level, { column: 0, row: 0, width: 3000, height: 2000 }, 512);
      const area = tiles.reduce((a, t) => a + t.width * t.height, 0);
      expect(area).toBe(3000 * 2000);
    }
    expect(tileRef(levels, 1, 2, 1, 512)).toEqual({ level: 1, column: 2, row: 1, x: 2048, y: 1024, width: 952, height: 976 });
    expect(tileSizeAt(levels, 1, 2, 1, 512)).toEqual({ width: 476, height: 488 });
  });

  it('lists only the tiles crossing the box, the centre first', () => {
    const tiles = visibleTiles(levels, 0, { column: 500, row: 100, width: 100, height: 30 }, 512);
    expect(tiles.map((t) => [t.column, t.row])).toEqual([[1, 0], [0, 0]]);
    expect(visibleTiles(levels, 0, { column: 0, row: 0, width: 0, height: 5 }, 512)).toEqual([]);
  });
});

describe('clipToPixels', () => {
  it('keeps small boxes and centres big ones with the same aspect', async () => {
    const { clipToPixels } = await import('../../webview/canvas/tileGrid');
    const small = { column: 1, row: 2, width: 10, height: 10 };
    expect(clipToPixels(small, 100)).toBe(small);
    expect(clipToPixels({ column: 0, row: 0, width: 400, height: 100 }, 400)).toEqual({ column: 180, row: 45, width: 40, height: 10 });
  });
});

describe('quickLevel (issue #13: a big image without a pyramid fills in progressively)', () => {
  const level = (scale: number, computed: boolean) => ({ width: 16384 / scale, height: 16384 / scale, scale, ...(computed ? { computed } : {}) });
  it('without a pyramid: at most two computed levels above level 0', () => {
    const levels = [level(1, false), level(2, true), level(4, true), level(8, true), level(16, true), level(32, true)];
    expect([0, 1, 2, 3, 4, 5].map((l) => quickLevel(levels, l))).toEqual([0, 1, 2, 2, 2, 2]);
  });
  it('with a file pyramid continued by computed levels: stored levels and the two computed above are quick', () => {
    const levels = [level(1, false), level(2, false), level(4, false), level(8, true), level(16, true), level(32, true)];
    expect([0, 1, 2, 3, 4, 5].map((l) => quickLevel(levels, l))).toEqual([0, 1, 2, 3, 4, 4]);
  });
  it('levels without the flag are stored', () => {
    const levels = [{ width: 100, height: 100, scale: 1 }, { width: 50, height: 50, scale: 2 }];
    expect(quickLevel(levels, 1)).toBe(1);
  });
});
