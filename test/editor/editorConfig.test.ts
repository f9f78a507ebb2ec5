import { describe, expect, it } from 'vitest';
import { featureCacheBudget, readEditorConfig, TILED_FEATURE_CACHE_BYTES, WEB_TILED_VIEW_ABOVE_MEGAPIXELS } from '../../extension/editor/editorConfig';

const MiB = 2 ** 20;
const config = (values: Record<string, unknown>) => ({ get: <T>(key: string, fallback: T): T => (key in values ? values[key] as T : fallback) });

describe('feature cache budget (issue #13: the host stays within 1 GB for big images)', () => {
  it('images shown whole keep the setting; tiled images are capped at 384 MiB', () => {
    const bytes = readEditorConfig(config({})).featureCacheBytes;
    expect(bytes).toBe(1024 * MiB);
    expect(featureCacheBudget(bytes, false)).toBe(1024 * MiB);
    expect(featureCacheBudget(bytes, true)).toBe(TILED_FEATURE_CACHE_BYTES);
    expect(TILED_FEATURE_CACHE_BYTES).toBe(384 * MiB);
  });

  it('a smaller setting is kept for tiled images too', () => {
    const bytes = readEditorConfig(config({ featureCacheMB: 100 })).featureCacheBytes;
    expect(featureCacheBudget(bytes, true)).toBe(100 * MiB);
  });
});

describe('host defaults of settings (issue #20: the browser shows big planes as tiles sooner)', () => {
  /** A configuration whose `inspect` reports the values set by the user (package.json's default otherwise). */
  const vsConfig = (userValues: Record<string, unknown>) => ({
    get: <T>(key: string, fallback: T): T => (key in userValues ? userValues[key] as T : key === 'tiledViewAboveMegapixels' ? 16 as T : fallback),
    inspect: (key: string) => ({ defaultValue: 16, globalValue: userValues[key] }),
  });

  it('without a host default, package.json\'s 16 megapixels apply', () => {
    expect(readEditorConfig(vsConfig({})).tiledViewAbovePixels).toBe(16e6);
  });

  it('the host default replaces package.json\'s default when the user set nothing', () => {
    expect(readEditorConfig(vsConfig({}), { tiledViewAboveMegapixels: WEB_TILED_VIEW_ABOVE_MEGAPIXELS }).tiledViewAbovePixels).toBe(2e6);
  });

  it('a value the user set wins over the host default, clamped as always', () => {
    expect(readEditorConfig(vsConfig({ tiledViewAboveMegapixels: 64 }), { tiledViewAboveMegapixels: 2 }).tiledViewAbovePixels).toBe(64e6);
    expect(readEditorConfig(vsConfig({ tiledViewAboveMegapixels: 0 }), { tiledViewAboveMegapixels: 2 }).tiledViewAbovePixels).toBe(0.01e6);
  });

  it('a configuration without inspect keeps the host default', () => {
    expect(readEditorConfig(config({ tiledViewAboveMegapixels: 64 }), { tiledViewAboveMegapixels: 2 }).tiledViewAbovePixels).toBe(2e6);
  });
});
