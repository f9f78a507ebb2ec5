/**
 * Whether `SharedArrayBuffer` is real shared memory in this thread. It is not in a browser page that is not
 * cross-origin isolated: there the web build installs an unshared stand-in (extension/web/sharedMemory.ts) and
 * every job gets copies of the buffers it uses, so copying data into "shared" memory only adds copies (issue #20:
 * the page's memory). Callers use it to keep such data private, where it is transferred instead of copied.
 */
export function hasRealSharedArrayBuffer(): boolean {
  const Shared = (globalThis as { SharedArrayBuffer?: { readonly emulated?: boolean } }).SharedArrayBuffer;
  return Shared !== undefined && Shared.emulated !== true;
}
