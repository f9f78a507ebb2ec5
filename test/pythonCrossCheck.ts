/**
 * Cross-checks against Python libraries (tifffile, numpy, scikit-learn) of the system Python. On a
 * developer machine without them the cross-checks are skipped; under `CI=true` (.ci/run installs
 * python3-numpy, python3-tifffile and python3-sklearn) a missing library fails the run instead, so a
 * cross-check can never silently stop checking.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The system Python the cross-checks run (Debian's, where the apt packages install). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** Whether the cross-checks must run (CI) rather than be skipped when a library is missing. */
export function crossChecksRequired(env: Record<string, string | undefined> = process.env): boolean {
  return env.CI === 'true' || env.CI === '1';
}

/** The Python modules of `modules` that the system Python cannot import. */
export function missingPythonModules(modules: readonly string[], python = SYSTEM_PYTHON): string[] {
  if (!existsSync(python)) return [...modules];
  return modules.filter((m) => spawnSync(python, ['-c', `import ${m}`], { stdio: 'ignore' }).status !== 0);
}

/** Debian package of each Python module the cross-checks use. */
const DEBIAN_PACKAGE: Record<string, string> = { numpy: 'python3-numpy', tifffile: 'python3-tifffile', sklearn: 'python3-sklearn', h5py: 'python3-h5py', vigra: 'python3-vigra', zarr: 'python3-zarr', numcodecs: 'python3-numcodecs' };

/** A cross-check's access to Python modules: whether to skip it, and a guard that fails it when required. */
export interface PythonCrossCheck {
  /** True when the modules are missing and the cross-check may be skipped (not under CI). */
  skip: boolean;
  /** Throws, naming the Debian packages to install, when the modules are missing (CI: the test fails). */
  assertAvailable(): void;
}

/** The cross-check state for `modules`, e.g. `pythonCrossCheck(['tifffile', 'numpy'])`. */
export function pythonCrossCheck(modules: readonly string[], env: Record<string, string | undefined> = process.env, python = SYSTEM_PYTHON): PythonCrossCheck {
  const missing = missingPythonModules(modules, python);
  return {
    skip: missing.length > 0 && !crossChecksRequired(env),
    assertAvailable() {
      if (missing.length === 0) return;
      throw new Error(`${python} cannot import ${missing.join(', ')}: install ${missing.map((m) => DEBIAN_PACKAGE[m] ?? m).join(' ')} (.ci/run does); with CI=true a missing library fails the cross-check instead of skipping it`);
    },
  };
}
