/**
 * Splitting a batch over cluster array jobs (issue #6): `--shard I/N` processes every N-th input starting at
 * the I-th (0-based), so N jobs of one array cover every input exactly once. Defaults come from Slurm job
 * arrays and Kubernetes indexed jobs.
 */

/** Shard `index` of `count` (0 ≤ index < count). */
export interface Shard {
  index: number;
  count: number;
  /** Where the shard came from (for the summary). */
  source: 'flag' | 'slurm' | 'kubernetes' | 'none';
}

/** Parses `I/N`. @throws Error for malformed or out-of-range values */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new Error(`--shard must look like I/N (e.g. 0/4), got "${text}"`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) throw new Error('--shard count must be at least 1');
  if (index >= count) throw new Error(`--shard index ${index} must be below the count ${count}`);
  return { index, count, source: 'flag' };
}

function intVar(env: Record<string, string | undefined>, name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^\d+$/.test(value.trim())) throw new Error(`${name}="${value}" is not a non-negative integer`);
  return Number(value.trim());
}

/**
 * The shard implied by the environment:
 * - Slurm: `SLURM_ARRAY_TASK_ID` with `SLURM_ARRAY_TASK_COUNT`, or with `SLURM_ARRAY_TASK_MIN`/`MAX`
 *   (index = ID − MIN, count = MAX − MIN + 1; arrays with a step other than 1 need `--shard`);
 * - Kubernetes indexed jobs: `JOB_COMPLETION_INDEX` with a count from `countOverride` (`--shard-count`),
 *   `JOB_COMPLETION_COUNT` or `PIXEL_CLASSIFIER_SHARD_COUNT` (Kubernetes does not export the count itself).
 * @returns `{index: 0, count: 1, source: 'none'}` outside an array job
 * @throws Error when the variables are inconsistent (a silent wrong partition would skip inputs)
 */
export function shardFromEnv(env: Record<string, string | undefined>, countOverride?: number): Shard {
  const slurmId = intVar(env, 'SLURM_ARRAY_TASK_ID');
  if (slurmId !== undefined) {
    const min = intVar(env, 'SLURM_ARRAY_TASK_MIN');
    const max = intVar(env, 'SLURM_ARRAY_TASK_MAX');
    let count = countOverride ?? intVar(env, 'SLURM_ARRAY_TASK_COUNT');
    let index = slurmId;
    if (min !== undefined && max !== undefined) {
      const step = intVar(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
      if (step !== 1) throw new Error(`Slurm array step ${step} is not supported for automatic sharding; pass --shard I/N`);
      index = slurmId - min;
      count ??= max - min + 1;
    }
    if (count === undefined) throw new Error('SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MIN/MAX; pass --shard I/N');
    if (index < 0 || index >= count) throw new Error(`Slurm array task ${slurmId} maps to shard ${index}, outside 0..${count - 1}; pass --shard I/N`);
    return { index, count, source: 'slurm' };
  }
  const k8sIndex = intVar(env, 'JOB_COMPLETION_INDEX');
  if (k8sIndex !== undefined) {
    const count = countOverride ?? intVar(env, 'JOB_COMPLETION_COUNT') ?? intVar(env, 'PIXEL_CLASSIFIER_SHARD_COUNT');
    if (count === undefined) throw new Error('JOB_COMPLETION_INDEX is set but the shard count is unknown; pass --shard-count N (the job\'s completions)');
    if (k8sIndex >= count) throw new Error(`JOB_COMPLETION_INDEX ${k8sIndex} must be below the shard count ${count}`);
    return { index: k8sIndex, count, source: 'kubernetes' };
  }
  if (countOverride !== undefined) throw new Error('--shard-count needs an array job index (SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX) or use --shard I/N');
  return { index: 0, count: 1, source: 'none' };
}

/**
 * The inputs of one shard: inputs are sorted (so every job of the array sees the same order whatever the
 * shell's glob order) and every `count`-th is taken starting at `index`.
 */
export function selectShard<T extends string>(inputs: readonly T[], shard: Pick<Shard, 'index' | 'count'>): T[] {
  const sorted = [...new Set(inputs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.filter((_, i) => i % shard.count === shard.index);
}

/**
 * Whether a block belongs to a shard when one image is split across tasks (issue #13): blocks are numbered in
 * row-major order of their `index` within `counts` (e.g. [t, z-slab, chunk row]) and dealt round-robin, so
 * neighbouring blocks go to different tasks and every task gets a similar share.
 */
export function ownsBlock(shard: Pick<Shard, 'index' | 'count'>, index: readonly number[], counts: readonly number[]): boolean {
  let n = 0;
  for (let i = 0; i < index.length; i++) n = n * counts[i] + index[i];
  return n % shard.count === shard.index;
}
