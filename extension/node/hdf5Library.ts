/**
 * Loads h5wasm (HDF5 compiled to WebAssembly, ~4 MB) on first use only. In the built extension and CLI it is
 * its own bundle, `dist/hdf5.js`, so opening a TIFF never parses it; from sources (tests) the package is
 * imported directly.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

export type H5wasm = typeof import('h5wasm').default;

/** Set by esbuild for the bundles: the file name of the h5wasm bundle beside them. */
declare const __PC_HDF5_BUNDLE__: string | undefined;
/** Set by test bundles that live outside the repository: where the plugins are. */
declare const __PC_HDF5_PLUGIN_FOLDER__: string | undefined;
/** Set by test bundles that live outside the repository: h5wasm's Node build (a file URL) for worker threads. */
declare const __PC_H5WASM_MODULE__: string | undefined;

let loading: Promise<H5wasm> | undefined;

/** HDF5 filter ids decoded by the plugins we ship (h5wasm-plugins), beyond h5wasm's built-in ones. */
export const PLUGIN_FILTERS: Record<number, string> = { 32000: 'libH5Zlzf.so' };

/**
 * Folder of the HDF5 filter plugins: `dist/h5plugins` beside the bundles (esbuild.mjs copies them), the
 * h5wasm-plugins package from sources. h5wasm's Node build loads them from the real file system, offline.
 */
export function hdf5PluginFolder(): string {
  if (typeof __PC_HDF5_PLUGIN_FOLDER__ === 'string') return __PC_HDF5_PLUGIN_FOLDER__;
  if (typeof __PC_HDF5_BUNDLE__ === 'string') return path.join(__dirname, 'h5plugins');
  try {
    return path.join(path.dirname(createRequire(__filename).resolve('h5wasm-plugins/package.json')), 'plugins');
  } catch {
    return path.join(__dirname, 'h5plugins'); // not installed: no plugin (LZF is refused by name)
  }
}

/**
 * How a worker thread loads the same h5wasm (hdf5MetadataProbe.ts): the CommonJS bundle beside the bundles, or
 * the package's Node build from sources.
 */
export function h5wasmWorkerEntry(): { bundle?: string; module?: string } {
  if (typeof __PC_HDF5_BUNDLE__ === 'string') return { bundle: path.join(__dirname, __PC_HDF5_BUNDLE__) };
  if (typeof __PC_H5WASM_MODULE__ === 'string') return { module: __PC_H5WASM_MODULE__ };
  return { module: 'h5wasm/node' };
}

let available: Set<number> | undefined;

/** The plugin filter ids whose plugin file is present (a refusal names the filter otherwise). */
export function availablePluginFilters(): Set<number> {
  if (!available) {
    const folder = hdf5PluginFolder();
    available = new Set(Object.entries(PLUGIN_FILTERS).filter(([, file]) => existsSync(path.join(folder, file))).map(([id]) => Number(id)));
  }
  return available;
}

/** The h5wasm module, ready to open files (with the plugin folder first on HDF5's plugin search path). */
export function loadH5wasm(): Promise<H5wasm> {
  loading ??= (async () => {
    const mod = typeof __PC_HDF5_BUNDLE__ === 'string'
      ? (createRequire(__filename)(path.join(__dirname, __PC_HDF5_BUNDLE__)) as { default: H5wasm }).default
      : (await import('h5wasm/node')).default as unknown as H5wasm;
    const module = await mod.ready as unknown as { insert_plugin_search_path?: (folder: string, index: number) => void };
    if (availablePluginFilters().size > 0) module.insert_plugin_search_path?.(hdf5PluginFolder(), 0);
    return mod;
  })();
  return loading;
}
