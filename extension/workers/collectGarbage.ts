/**
 * A full garbage collection of this worker thread's heap, started while the worker is idle.
 *
 * Why: memory a worker drops (a released WebAssembly kernel, mapped training buffers) is only unmapped
 * when V8 collects it, and an idle worker allocates nothing, so without help it would keep that memory
 * until its next job. `vm.measureMemory({ execution: 'eager' })` is the one Node API that starts a full
 * collection without `--expose-gc` (changing V8 flags would affect every extension in the extension
 * host). It is experimental, so it is feature-tested and its one-time ExperimentalWarning is filtered
 * out of this worker's own `process.emitWarning` (a worker has its own `process`; nothing else runs here).
 */
import { isMainThread, measureMemory } from '../node/nodeRuntime';

let warningFiltered = false;

function filterMeasureMemoryWarning(): void {
  if (warningFiltered) return;
  warningFiltered = true;
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === 'ExperimentalWarning' && /measureMemory/.test(String(warning))) return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
}

/**
 * Starts a full collection of this thread's heap when running in a worker thread (never on the main
 * thread: the extension host's or the CLI's heap is not ours to manage).
 * @returns whether a collection was started
 */
export function collectGarbage(): boolean {
  const measure = measureMemory;
  if (isMainThread || typeof measure !== 'function') return false;
  filterMeasureMemoryWarning();
  try {
    measure({ mode: 'summary', execution: 'eager' }).catch(() => undefined);
    return true;
  } catch {
    return false;
  }
}
