// The part of the WebAssembly JS API the kernels use. The project compiles with lib ES2022 (no DOM),
// which has no WebAssembly declarations; Node and browsers both provide these globals.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: object);
    readonly exports: Record<string, unknown>;
  }
  interface MemoryDescriptor {
    /** Initial size in 64 KiB pages. */
    initial: number;
    /** Largest size in pages (required for shared memories). */
    maximum?: number;
    /** Backed by a SharedArrayBuffer (then `buffer` is one). */
    shared?: boolean;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer;
    grow(deltaPages: number): number;
  }
}
