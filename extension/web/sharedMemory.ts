/**
 * Shared memory in the browser (issue #20). The engine hands workers SharedArrayBuffer-backed arrays that jobs
 * read and write in place (disjoint ranges per job). A browser has SharedArrayBuffer only when the page is
 * cross-origin isolated (COOP/COEP headers); vscode.dev and code-server are not by default. There:
 *
 * - {@link installSharedArrayBufferEmulation} defines `SharedArrayBuffer` as a plain ArrayBuffer subclass, so the
 *   engine's code runs unchanged;
 * - the pool sends each job private copies of the "shared" buffers it uses ({@link copyShared}); the worker
 *   returns the bytes the job changed ({@link changedRanges}) and the host writes them into its buffers
 *   ({@link applyRanges}) before the job resolves. Jobs write disjoint ranges (the same invariant real shared memory
 *   relies on), so the host ends up with exactly the bytes a shared run would have produced.
 *
 * With cross-origin isolation nothing of this is used: real SharedArrayBuffers go to the workers as on Node.
 */

/** Marks the stand-in class. */
interface EmulatedConstructor { readonly emulated?: boolean }

/** Whether `SharedArrayBuffer` is real shared memory here. */
export function hasRealSharedMemory(): boolean {
  const Shared = (globalThis as { SharedArrayBuffer?: unknown }).SharedArrayBuffer as (EmulatedConstructor & (new (n: number) => ArrayBufferLike)) | undefined;
  return Shared !== undefined && !Shared.emulated && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
}

/**
 * Defines `globalThis.SharedArrayBuffer` as an unshared stand-in unless real shared memory is available (or always,
 * with `force`: unit tests run the browser's non-isolated path under Node).
 * @returns true when the stand-in was installed (now or before)
 */
export function installSharedArrayBufferEmulation(force = false): boolean {
  const g = globalThis as { SharedArrayBuffer?: unknown };
  if ((g.SharedArrayBuffer as EmulatedConstructor | undefined)?.emulated) return true;
  if (!force && hasRealSharedMemory()) return false;
  class SharedArrayBufferEmulation extends ArrayBuffer {
    static readonly emulated = true;
  }
  g.SharedArrayBuffer = SharedArrayBufferEmulation;
  return true;
}

/** Whether `buffer` is (real or stand-in) shared memory: such buffers are never transferred, only shared or copied. */
export function isSharedBuffer(buffer: unknown): buffer is ArrayBufferLike {
  if (buffer === null || typeof buffer !== 'object') return false;
  const Shared = (globalThis as { SharedArrayBuffer?: new (n: number) => ArrayBufferLike }).SharedArrayBuffer;
  if (Shared && (Shared as EmulatedConstructor).emulated && buffer instanceof Shared) return true;
  return Object.prototype.toString.call(buffer) === '[object SharedArrayBuffer]';
}

/** Makes a received buffer count as shared memory again (the stand-in's prototype) when the stand-in is installed. */
export function markShared(buffer: ArrayBuffer): void {
  const Shared = (globalThis as { SharedArrayBuffer?: { prototype: object } & EmulatedConstructor }).SharedArrayBuffer;
  if (Shared?.emulated && !(buffer instanceof (Shared as unknown as new () => object))) Object.setPrototypeOf(buffer, Shared.prototype);
}

/**
 * A structural copy of `value` in which every typed array over shared memory is replaced by a view of a private
 * copy of its buffer (one copy per distinct buffer). Other values are kept as they are (so transfer lists stay
 * valid). Returns the copy, the distinct originals and their copies (same order).
 */
export function copyShared(value: unknown): { value: unknown; originals: ArrayBufferLike[]; copies: ArrayBuffer[] } {
  const originals: ArrayBufferLike[] = [];
  const copies: ArrayBuffer[] = [];
  const copyOf = new Map<ArrayBufferLike, ArrayBuffer>();
  const bufferCopy = (buffer: ArrayBufferLike): ArrayBuffer => {
    let copy = copyOf.get(buffer);
    if (!copy) {
      copy = new ArrayBuffer(buffer.byteLength);
      new Uint8Array(copy).set(new Uint8Array(buffer));
      copyOf.set(buffer, copy);
      originals.push(buffer);
      copies.push(copy);
    }
    return copy;
  };
  const seen = new Map<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (ArrayBuffer.isView(v)) {
      if (!isSharedBuffer(v.buffer)) return v;
      const Ctor = v.constructor as new (buffer: ArrayBuffer, offset: number, length: number) => ArrayBufferView;
      const length = v instanceof DataView ? v.byteLength : (v as unknown as { length: number }).length;
      return new Ctor(bufferCopy(v.buffer), v.byteOffset, length);
    }
    if (isSharedBuffer(v)) return bufferCopy(v);
    if (v instanceof ArrayBuffer) return v;
    const done = seen.get(v);
    if (done !== undefined) return done;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      seen.set(v, out);
      for (const item of v) out.push(walk(item));
      return out;
    }
    if (v instanceof Map || v instanceof Set || v instanceof Date || v instanceof RegExp) return v;
    const out: Record<string, unknown> = {};
    seen.set(v, out);
    for (const key of Object.keys(v)) out[key] = walk((v as Record<string, unknown>)[key]);
    return out;
  };
  return { value: walk(value), originals, copies };
}

/** Bytes a job changed in one of its buffers: `bytes` now start at `offset`. */
export interface ChangedRange { buffer: number; offset: number; bytes: Uint8Array }

/** Runs closer than this many bytes are sent as one range. */
const MERGE_GAP = 64;

/** The ranges where `after` differs from `before` (same length), tagged with buffer index `buffer`. */
export function changedRanges(before: Uint8Array, after: Uint8Array, buffer: number): ChangedRange[] {
  const out: ChangedRange[] = [];
  const n = Math.min(before.length, after.length);
  let i = 0;
  const words = (before.byteOffset % 4 === 0 && after.byteOffset % 4 === 0) ? n >> 2 : 0;
  const b32 = words ? new Int32Array(before.buffer, before.byteOffset, words) : undefined;
  const a32 = words ? new Int32Array(after.buffer, after.byteOffset, words) : undefined;
  let runStart = -1;
  let runEnd = -1;
  const flush = () => {
    if (runStart >= 0) out.push({ buffer, offset: runStart, bytes: after.slice(runStart, runEnd) });
    runStart = runEnd = -1;
  };
  const mark = (from: number, to: number) => {
    if (runStart >= 0 && from - runEnd <= MERGE_GAP) runEnd = to;
    else { flush(); runStart = from; runEnd = to; }
  };
  for (let w = 0; w < words; w++) if (b32![w] !== a32![w]) mark(w * 4, w * 4 + 4);
  for (i = words * 4; i < n; i++) if (before[i] !== after[i]) mark(i, i + 1);
  flush();
  return out;
}

/** Writes `ranges` into `targets` (indexed by `ChangedRange.buffer`). */
export function applyRanges(targets: readonly ArrayBufferLike[], ranges: readonly ChangedRange[]): void {
  for (const range of ranges) new Uint8Array(targets[range.buffer]).set(range.bytes, range.offset);
}

/** Distinct stand-in shared buffers inside `value` (typed arrays' buffers included). */
export function sharedBuffersIn(value: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const seen = new Set<object>();
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (ArrayBuffer.isView(v)) { if (isSharedBuffer(v.buffer)) found.add(v.buffer as ArrayBuffer); return; }
    if (v instanceof ArrayBuffer) { if (isSharedBuffer(v)) found.add(v); return; }
    if (Array.isArray(v)) { for (const item of v) walk(item); return; }
    for (const key of Object.keys(v)) walk((v as Record<string, unknown>)[key]);
  };
  walk(value);
  return [...found];
}
