/**
 * Transparent huge pages for the compute commands. On the VMs this tool runs on, the first write to each
 * 4 KiB page of a fresh buffer costs 14–35 µs (measured by `npm run bench -- features`: touching a 784 MB
 * output once takes 3–5 s, more than the whole feature computation). glibc ≥ 2.35 can back its large
 * allocations with 2 MiB transparent huge pages (`GLIBC_TUNABLES=glibc.malloc.hugetlb=1`), which cuts those
 * faults about 500-fold and halves a cold run — but the tunable is read only at process start, so the CLI
 * starts itself once more with it set. Nothing changes in the results; it only changes how memory is mapped.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Subcommands that allocate large feature stacks in this process (the others finish in milliseconds, or allocate little
 * here). Not `predict`: its features stay in the workers' WebAssembly memory (which glibc does not allocate) and it holds
 * only bands of results, so the second process start-up cost more than huge pages saved: `npm run bench -- batch`
 * (20 × 1024²) took 4.03–4.05 s relaunched against 3.83–3.91 s in place, two 4096² images 6.29–6.61 s with the tunable
 * against 6.12–6.25 s without (issue #18).
 */
const COMPUTE_COMMANDS = new Set(['train', 'features']);

/** Set to `0` to never relaunch (e.g. when debugging the CLI process itself). */
export const HUGE_PAGES_ENV = 'PIXEL_CLASSIFIER_HUGE_PAGES';

/**
 * The environment to relaunch the CLI with, or undefined to run in this process: only on Linux, only for
 * compute commands, only when transparent huge pages are available (`madvise` or `always`), and only once
 * (the tunable already present means this is the relaunched process or the user chose it).
 * @param thpSetting contents of /sys/kernel/mm/transparent_hugepage/enabled (undefined if unreadable)
 */
export function hugePagesRelaunchEnv(
  argv: string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform, thpSetting: string | undefined,
): NodeJS.ProcessEnv | undefined {
  if (platform !== 'linux' || env[HUGE_PAGES_ENV] === '0') return undefined;
  if (!COMPUTE_COMMANDS.has(argv[0] ?? '') || argv.includes('--help') || argv.includes('-h')) return undefined;
  // An uncompressed `features` output is written by the workers straight into the file (no output volume in
  // memory), so nothing large is malloc'd and a relaunch would only add a second process start-up (issue #18).
  if (argv[0] === 'features' && argv[argv.indexOf('--compression') + 1] !== 'deflate') return undefined;
  if ((env.GLIBC_TUNABLES ?? '').includes('glibc.malloc.hugetlb')) return undefined;
  if (!thpSetting || !/\[(madvise|always)\]/.test(thpSetting)) return undefined;
  const tunable = 'glibc.malloc.hugetlb=1';
  return { ...env, GLIBC_TUNABLES: env.GLIBC_TUNABLES ? `${env.GLIBC_TUNABLES}:${tunable}` : tunable };
}

/** The system's transparent-huge-page mode line, or undefined. */
export function readThpSetting(): string | undefined {
  try {
    return readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Runs this script again with `env` (stdio inherited), forwarding termination signals, and resolves with
 * the child's exit code; a child killed by a signal re-raises it here so callers (Slurm, shells) see the same.
 */
export function relaunch(env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...process.argv.slice(2)], { stdio: 'inherit', env });
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const forward = (signal: NodeJS.Signals) => { child.kill(signal); };
    for (const signal of signals) process.on(signal, forward);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      if (signal) {
        process.kill(process.pid, signal);
        return;
      }
      resolve(code ?? 1);
    });
  });
}
