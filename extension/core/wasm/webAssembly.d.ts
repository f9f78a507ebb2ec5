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
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(deltaPages: number): number;
  }
}
