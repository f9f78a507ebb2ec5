/**
 * Loads h5wasm (HDF5 compiled to WebAssembly, ~4 MB) on first use only. In the built extension and CLI it is
 * its own bundle, `dist/hdf5.js`, so opening a TIFF never parses it; from sources (tests) the package is
 * imported directly.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';

export type H5wasm = typeof import('h5wasm').default;

/** Set by esbuild for the bundles: the file name of the h5wasm bundle beside them. */
declare const __PC_HDF5_BUNDLE__: string | undefined;

let loading: Promise<H5wasm> | undefined;

/** The h5wasm module, ready to open files. */
export function loadH5wasm(): Promise<H5wasm> {
  loading ??= (async () => {
    const mod = typeof __PC_HDF5_BUNDLE__ === 'string'
      ? (createRequire(__filename)(path.join(__dirname, __PC_HDF5_BUNDLE__)) as { default: H5wasm }).default
      : (await import('h5wasm/node')).default as unknown as H5wasm;
    await mod.ready;
    return mod;
  })();
  return loading;
}
