import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // compiles the WebAssembly kernels (extension/wasm) when their sources changed
    globalSetup: ['./test/wasmGlobalSetup.ts'],
    // the Node platform (file access, hashing) every composition root installs
    setupFiles: ['./test/setupPlatform.ts'],
    pool: 'forks',
  },
});
