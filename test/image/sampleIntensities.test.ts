import { describe, expect, it } from 'vitest';
import { countedRanks, percentile, sampleIntensities, selectRank, spreadIndices } from '../../extension/core/image/sampleIntensities';
import { memoryImageSource } from '../../extension/core/image/memoryImageSource';

describe('sampleIntensities', () => {
  it('percentile and spreadIndices', () => {
    const sorted = Float32Array.from({ length: 101 }, (_, i) => i);
    expect([percentile(sorted, 0.01), percentile(sorted, 0.99), percentile(sorted, 0), percentile(sorted, 1)]).toEqual([1, 99, 0, 100]);
    expect(percentile([], 0.5)).toBeNaN();
    expect(spreadIndices(1, 3)).toEqual([0]);
    expect(spreadIndices(12, 3)).toEqual([2, 6, 10]);
    expect(spreadIndices(2, 3)).toEqual([0, 1]);
  });
});

function info(shape: { t: number; z: number; c: number; y: number; x: number }, dtype: 'uint16' | 'float32') {
  return { name: 'mem', format: 'tiff' as const, shape, axes: 'TZCYX', dtype, pages: 1, compression: 'none', metadata: {} };
}

describe('sampleIntensities on images', () => {
  it('small planes are read whole: exact percentiles per channel', async () => {
    // channel 0: 0..9999, channel 1: 10·(0..9999)
    const a = Uint16Array.from({ length: 10000 }, (_, i) => i);
    const b = Float32Array.from({ length: 10000 }, (_, i) => 10 * i);
    const source = memoryImageSource(info({ t: 1, z: 1, c: 2, y: 100, x: 100 }, 'float32'), [Float32Array.from(a), b]);
    expect(await sampleIntensities(source)).toEqual([{ low: 99, high: 9899 }, { low: 990, high: 98990 }]);
  });

  it('non-finite values are ignored; an all-NaN channel gives NaN bounds', async () => {
    const plane = Float32Array.from({ length: 100 }, (_, i) => (i % 2 ? Number.NaN : i));
    const source = memoryImageSource(info({ t: 1, z: 1, c: 2, y: 10, x: 10 }, 'float32'), [plane, new Float32Array(100).fill(Number.NaN)]);
    const [r, empty] = await sampleIntensities(source);
    expect([r.low, r.high]).toEqual([0, 96]);
    expect(empty.low).toBeNaN();
  });

  it('large planes: a 4×4 grid of windows from at most 3 of the planes, never a whole plane', async () => {
    const shape = { t: 2, z: 5, c: 1, y: 600, x: 700 };
    const planes = Array.from({ length: 10 }, (_, p) => new Uint16Array(600 * 700).fill(100 * p));
    const base = memoryImageSource(info(shape, 'uint16'), planes);
    const reads: string[] = [];
    const source = {
      ...base,
      readPlaneFloat32: async () => { throw new Error('whole plane read'); },
      readRegionFloat32: async (t: number, z: number, c: number, box: { y0: number; y1: number; x0: number; x1: number }) => {
        reads.push(`${t}/${z}:${box.y1 - box.y0}x${box.x1 - box.x0}`);
        return base.readRegionFloat32(t, z, c, box);
      },
    };
    const [range] = await sampleIntensities(source, {});
    // planes 1, 5, 8 of 10; the four windows of a grid row (columns 24–152, 199–327, 374–502, 549–677) read as one
    // region 653 wide, at most twice their width
    expect(new Set(reads)).toEqual(new Set(['0/1:128x653', '1/0:128x653', '1/3:128x653']));
    expect(reads).toHaveLength(3 * 4);
    expect(range).toEqual({ low: 100, high: 800 });
  });

  it('windows far apart are read one by one; both ways sample the same pixels', async () => {
    let seed = 5;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
    const ranges: unknown[] = [];
    for (const width of [700, 3000]) {
      const shape = { t: 1, z: 1, c: 1, y: 600, x: width };
      // The same random values in the windows of both widths (the windows' columns differ): compare with a direct
      // selection over exactly the windows' pixels.
      const plane = Float32Array.from({ length: 600 * width }, () => Math.floor(random() * 3000) + 0.25);
      const base = memoryImageSource(info(shape, 'float32'), [plane]);
      const reads: string[] = [];
      const source = { ...base, readRegionFloat32: async (t: number, z: number, c: number, box: { y0: number; y1: number; x0: number; x1: number }) => {
        reads.push(`${box.y1 - box.y0}x${box.x1 - box.x0}`);
        return base.readRegionFloat32(t, z, c, box);
      } };
      const [range] = await sampleIntensities(source, {});
      const starts = (n: number) => [0, 1, 2, 3].map((k) => Math.max(0, Math.min(n - 128, Math.round(((k + 0.5) * n) / 4 - 64))));
      const windowPixels: number[] = [];
      for (const y0 of starts(600)) for (const x0 of starts(width)) for (let y = y0; y < y0 + 128; y++) for (let x = x0; x < x0 + 128; x++) windowPixels.push(plane[y * width + x]);
      expect(range).toEqual({ low: percentile(Float32Array.from(windowPixels), 0.01), high: percentile(Float32Array.from(windowPixels), 0.99) });
      ranges.push(reads);
    }
    expect(ranges).toEqual([Array(4).fill('128x653'), Array(16).fill('128x128')]);
  });
});

describe('selectRank', () => {
  it('puts at rank k the value a sort puts there, for every k, with duplicates, runs and negative values', () => {
    let seed = 12345;
    const random = () => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed / 2 ** 32; };
    const cases: number[][] = [
      [], [5], [2, 1], [3, 3, 3, 3], Array.from({ length: 50 }, (_, i) => i), Array.from({ length: 50 }, (_, i) => 50 - i),
      Array.from({ length: 257 }, () => Math.floor(random() * 7) - 3), Array.from({ length: 1000 }, () => (random() - 0.5) * 1e6),
    ];
    for (const values of cases) {
      const sorted = Float32Array.from(values).sort();
      for (let k = 0; k < values.length; k++) {
        const work = Float32Array.from(values);
        expect(selectRank(work, k)).toBe(sorted[k]);
        for (let i = 0; i < k; i++) expect(work[i]).toBeLessThanOrEqual(work[k]);
        for (let i = k + 1; i < work.length; i++) expect(work[i]).toBeGreaterThanOrEqual(work[k]);
        expect(Array.from(work).sort((a, b) => a - b)).toEqual(Array.from(sorted)); // a permutation
      }
    }
  });
});

describe('countedRanks: the ranks of integer samples by counting (16-bit images)', () => {
  it('every rank equals the sort\'s, for random, constant, negative and two-valued integers', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
    const cases = [
      Float32Array.from({ length: 1000 }, () => Math.floor(random() * 65536)),
      new Float32Array(37).fill(12),
      Float32Array.from({ length: 301 }, () => Math.floor(random() * 200) - 100),
      Float32Array.from({ length: 64 }, (_, i) => (i % 3 ? 0 : 65535)),
    ];
    for (const values of cases) {
      const sorted = Float32Array.from(values).sort();
      const min = sorted[0], max = sorted[sorted.length - 1];
      const all = Array.from({ length: values.length }, (_, k) => k);
      expect(countedRanks(values, min, max, all)).toEqual(Array.from(sorted));
      // any order of ranks, repeated ranks
      expect(countedRanks(values, min, max, [values.length - 1, 0, 0])).toEqual([sorted[values.length - 1], sorted[0], sorted[0]]);
    }
  });

  it('sampleIntensities: the same ranges as selection, by counting for integers and by selection otherwise', async () => {
    let seed = 3;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
    const shape = { t: 1, z: 1, c: 1, y: 300, x: 310 }; // read whole: the sample is every pixel
    const integers = Float32Array.from({ length: 300 * 310 }, () => Math.floor(random() * 4000) - 50);
    const thirds = integers.map((v) => v / 3);
    for (const plane of [integers, thirds]) {
      const [range] = await sampleIntensities(memoryImageSource(info(shape, 'float32'), [plane]));
      expect(range).toEqual({ low: percentile(Float32Array.from(plane), 0.01), high: percentile(Float32Array.from(plane), 0.99) });
    }
    // a 16-bit image: counted as read
    const sixteen = Uint16Array.from(integers, (v) => v + 50);
    const [range] = await sampleIntensities(memoryImageSource(info(shape, 'uint16'), [sixteen]));
    expect(range).toEqual({ low: percentile(Float32Array.from(sixteen), 0.01), high: percentile(Float32Array.from(sixteen), 0.99) });
  });
});
