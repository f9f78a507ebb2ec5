/**
 * Large working buffers that give their memory back to the operating system when they are collected.
 *
 * Why: `new ArrayBuffer` / `new SharedArrayBuffer` memory comes from malloc. glibc serves a request from
 * its heap (the main heap, or the calling thread's arena) unless it is above the mmap threshold, and that
 * threshold rises to the size of every mapped chunk freed, up to 32 MiB. In a long-running process,
 * buffers of a few MiB therefore end up in the heap, and once freed they stay resident: the heap only
 * shrinks from its top, so working sets that grow with the labels (training samples, bins, tree scratch)
 * left the editor's process 20–30% larger after the #7 soak although the code held no more memory.
 *
 * A WebAssembly memory is mapped by V8 directly (mmap) and unmapped when it is collected, so buffers
 * allocated here return to the OS like any mapping, whatever malloc's state. The cost is the same as a
 * fresh mapping: first-touch page faults, so callers that allocate per call in a hot loop should reuse
 * them (as the training sample buffers do) and drop them when idle.
 *
 * Buffers are whole 64 KiB WebAssembly pages: `byteLength` may exceed the request, so views must be
 * created with explicit lengths. Below {@link MAPPED_MIN_BYTES}, above {@link MAPPED_MAX_BYTES}, or when
 * the runtime refuses the reservation (e.g. an address-space limit), a plain buffer is returned.
 */

/** Smallest request served by a mapping (smaller buffers are cheap for malloc to keep and reuse). */
export const MAPPED_MIN_BYTES = 1 << 20;
/** Largest request served by a mapping (a 32-bit WebAssembly memory holds at most 4 GiB; stay well below). */
export const MAPPED_MAX_BYTES = 2 ** 31;

const PAGE = 65536;

function mappedMemory(bytes: number, shared: boolean): WebAssembly.Memory | undefined {
  if (!(bytes >= MAPPED_MIN_BYTES && bytes <= MAPPED_MAX_BYTES) || typeof WebAssembly === 'undefined') return undefined;
  const pages = Math.ceil(bytes / PAGE);
  try {
    return new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
  } catch {
    return undefined; // no address space for another reservation: malloc still has a chance
  }
}

/**
 * A zero-filled SharedArrayBuffer of at least `bytes` bytes, mapped from the OS when large (see module docs).
 * @param bytes requested size in bytes (non-negative integer)
 */
export function mappedSharedBuffer(bytes: number): SharedArrayBuffer {
  return (mappedMemory(bytes, true)?.buffer as unknown as SharedArrayBuffer | undefined) ?? new SharedArrayBuffer(bytes);
}

/**
 * A zero-filled ArrayBuffer of at least `bytes` bytes, mapped from the OS when large (see module docs).
 * A mapped buffer cannot be transferred (detached) to another thread: use {@link mappedSharedBuffer} for
 * buffers that travel.
 * @param bytes requested size in bytes (non-negative integer)
 */
export function mappedBuffer(bytes: number): ArrayBuffer {
  return mappedMemory(bytes, false)?.buffer ?? new ArrayBuffer(bytes);
}
