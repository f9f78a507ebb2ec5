import { describe, expect, it } from 'vitest';
import { featureCacheBudget, readEditorConfig, TILED_FEATURE_CACHE_BYTES } from '../../extension/editor/editorConfig';

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
