/**
 * Regression corpus (test/fixtures/fuzz/, made by test/reliability/fuzz/makeCorpus.ts): the nastiest
 * inputs the fuzz campaigns found or that sit on each decoder's limits. Each must give exactly the
 * outcome in manifest.json — a clear ImageError/ProjectError naming the file, or a correct open —
 * quickly and within the memory limit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImageError } from '../../extension/core/image/imageModel';
import { openImageBytes } from '../../extension/node/openImage';
import { parseProject, ProjectError } from '../../extension/project/projectFile';
import type { CorpusEntry } from './fuzz/makeCorpus';

const DIR = join(__dirname, '../fixtures/fuzz');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as CorpusEntry[];
const LIMIT = 2 * 2 ** 20;

async function open(file: string, bytes: Uint8Array): Promise<unknown> {
  if (file.endsWith('.json')) return parseProject(new TextDecoder().decode(bytes), file);
  const image = await openImageBytes(bytes, file, { memoryLimitBytes: LIMIT });
  try {
    const { t, z, c, y, x } = image.info.shape;
    for (let i = 0; i < t * z * c; i++) {
      const plane = await image.readPlaneFloat32(Math.floor(i / (z * c)), Math.floor(i / c) % z, i % c);
      expect(plane.length).toBe(y * x);
    }
    return image.info;
  } finally {
    await image.close();
  }
}

describe('fuzz regression corpus', () => {
  it('has at least 20 entries covering every target', () => {
    expect(manifest.length).toBeGreaterThanOrEqual(20);
    for (const prefix of ['tiff-', 'png-', 'jpeg-', 'project-']) expect(manifest.some((e) => e.file.startsWith(prefix))).toBe(true);
  });

  for (const entry of manifest) {
    it(`${entry.file}: ${entry.expect === 'ok' ? 'opens' : 'is refused clearly'} (${entry.why})`, async () => {
      const bytes = new Uint8Array(readFileSync(join(DIR, entry.file)));
      expect(bytes.length).toBeLessThan(64 * 1024); // tiny fixtures only
      const rssBefore = process.memoryUsage().rss;
      const started = performance.now();
      const outcome = await open(entry.file, bytes).then((value) => ({ value }), (error: unknown) => ({ error }));
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 2 ** 20);
      if (entry.expect === 'ok') {
        expect('error' in outcome ? String((outcome as { error: unknown }).error) : 'ok').toBe('ok');
        return;
      }
      expect('error' in outcome).toBe(true);
      const error = (outcome as { error: Error }).error;
      expect(error).toBeInstanceOf(entry.file.endsWith('.json') ? ProjectError : ImageError);
      expect(error.message.startsWith(entry.file)).toBe(true);
      expect(error.message).toMatch(new RegExp(entry.match!));
    });
  }

  it('NaN and ±Inf pixels survive decoding bit-exactly', async () => {
    const image = await openImageBytes(new Uint8Array(readFileSync(join(DIR, 'tiff-nan-inf-pixels.tif'))), 'nan.tif');
    const plane = Array.from(await image.readPlaneFloat32(0, 0, 0));
    expect(plane.slice(0, 5)).toEqual([NaN, Infinity, -Infinity, -0, 1.5]);
    expect(plane.slice(5, 7)).toEqual([Math.fround(3.4e38), Math.fround(1e-45)]);
  });

  it('a "__proto__" key in a project never pollutes Object.prototype', () => {
    const text = readFileSync(join(DIR, 'project-proto-pollution.pixelclass.json'), 'utf8');
    expect(() => parseProject(text, 'p.json')).toThrow(ProjectError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
