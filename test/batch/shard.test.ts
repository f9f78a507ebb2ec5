import { describe, expect, it } from 'vitest';
import { parseShard, selectShard, shardFromEnv } from '../../extension/batch/shard';

describe('shards', () => {
  it('parses I/N', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5, source: 'flag' });
    expect(() => parseShard('5/5')).toThrow(/below the count/);
    expect(() => parseShard('1/0')).toThrow(/at least 1/);
    expect(() => parseShard('a/b')).toThrow(/I\/N/);
  });

  it('partitions every input exactly once, whatever the input order', () => {
    const inputs = Array.from({ length: 23 }, (_, i) => `/d/img${String(i).padStart(2, '0')}.tif`);
    for (const count of [1, 2, 3, 7, 23, 30]) {
      const seen: string[] = [];
      for (let index = 0; index < count; index++) seen.push(...selectShard([...inputs].reverse(), { index, count }));
      expect(seen.sort()).toEqual(inputs);
    }
    expect(selectShard(['/b', '/a', '/c', '/a'], { index: 0, count: 2 })).toEqual(['/a', '/c']);
  });

  it('reads Slurm and Kubernetes variables', () => {
    expect(shardFromEnv({})).toEqual({ index: 0, count: 1, source: 'none' });
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 3, count: 4, source: 'slurm' });
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '8' })).toEqual({ index: 4, count: 8, source: 'slurm' });
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '2', JOB_COMPLETION_COUNT: '3' })).toEqual({ index: 2, count: 3, source: 'kubernetes' });
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '2' }, 5)).toEqual({ index: 2, count: 5, source: 'kubernetes' });
  });

  it('refuses inconsistent variables instead of silently skipping inputs', () => {
    expect(() => shardFromEnv({ SLURM_ARRAY_TASK_ID: '3' })).toThrow(/SLURM_ARRAY_TASK_COUNT/);
    expect(() => shardFromEnv({ SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_COUNT: '4' })).toThrow(/outside 0..3/);
    expect(() => shardFromEnv({ SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '8', SLURM_ARRAY_TASK_STEP: '2' })).toThrow(/step 2/);
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: '1' })).toThrow(/--shard-count/);
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: '3', JOB_COMPLETION_COUNT: '3' })).toThrow(/below/);
    expect(() => shardFromEnv({ SLURM_ARRAY_TASK_ID: 'x' })).toThrow(/not a non-negative integer/);
    expect(() => shardFromEnv({}, 3)).toThrow(/--shard-count needs/);
  });
});
