/**
 * Loading of the WebAssembly kernels compiled from `extension/wasm/` by `scripts/buildWasm.mjs`.
 *
 * Kernels are AssemblyScript modules without a runtime: they export `memory` and functions that work on
 * raw byte offsets in it. The first 64 KiB page is left to the module's own static data; callers place
 * their buffers from {@link WASM_HEAP_BASE} upward and grow the memory as needed.
 */

/** First byte offset callers may use in a kernel's memory (page 0 belongs to the module). */
export const WASM_HEAP_BASE = 65536;

/** Decodes base64 without Node's Buffer, so core stays usable in any JS runtime. */
function decodeBase64(base64: string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Compiled modules of this thread by their base64 text (a released kernel is instantiated again without recompiling). */
const compiled = new Map<string, WebAssembly.Module>();

/**
 * Compiles (once per thread) and instantiates a kernel synchronously (modules are a few KB; every thread
 * that uses a kernel gets its own instance and memory).
 * @param base64 the module bytes as exported by a generated `extension/core/wasm/generated/*Wasm.ts`
 * @returns the instance's exports, including `memory`
 */
export function instantiateWasm<Exports extends object>(base64: string): Exports & { memory: WebAssembly.Memory } {
  let module = compiled.get(base64);
  if (!module) {
    module = new WebAssembly.Module(decodeBase64(base64));
    compiled.set(base64, module);
  }
  return new WebAssembly.Instance(module, {}).exports as unknown as Exports & { memory: WebAssembly.Memory };
}

/**
 * Grows `memory` so that it holds at least `bytes` bytes. Growing detaches the old `memory.buffer`, so
 * callers must re-create their typed-array views afterwards.
 * @returns true when the memory grew
 */
export function ensureWasmMemory(memory: WebAssembly.Memory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return false;
  memory.grow(Math.ceil((bytes - have) / 65536));
  return true;
}
