// One build script, five bundles (see house style):
//   dist/extension.js      extension host (node/cjs, `vscode` external)
//   dist/computeWorker.js  worker_threads entry (node/cjs)
//   dist/webview.js        webview (browser/iife)
//   dist/cli.js            headless CLI (node/cjs with shebang; `vscode` NOT external, so an accidental import fails the build)
//   dist/hdf5.js           h5wasm (HDF5 in WebAssembly), required on first use by the three node bundles
// Flags: --watch (esbuild contexts), --production (minify, no sourcemaps).
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import { buildWasm } from './scripts/buildWasm.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints errors in a form VS Code's $esbuild-watch problem matcher understands. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => { if (watch) console.log('[watch] build started'); });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: [problemMatcher],
};

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };
// h5wasm (~4 MB of WebAssembly) is its own bundle, loaded on first use by extension/node/hdf5Library.ts.
const withHdf5 = { define: { __PC_HDF5_BUNDLE__: '"hdf5.js"' }, external: ['h5wasm/node'] };

const configs = [
  { ...node, ...withHdf5, entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', 'h5wasm/node'] },
  { ...node, ...withHdf5, entryPoints: ['extension/workers/computeWorker.ts'], outfile: 'dist/computeWorker.js' },
  { ...node, ...withHdf5, entryPoints: ['extension/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // h5wasm's Node build is ESM and finds its own file through import.meta.url: give it one in CommonJS.
  {
    ...node, entryPoints: ['extension/node/hdf5Bundle.ts'], outfile: 'dist/hdf5.js', sourcemap: false,
    define: { 'import.meta.url': '__pcImportMetaUrl' },
    banner: { js: "var __pcImportMetaUrl = require('url').pathToFileURL(__filename).href;" },
  },
  { ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js' },
];

// HDF5 filter plugins h5wasm loads from the real file system (extension/node/hdf5Library.ts): LZF.
fs.mkdirSync('dist/h5plugins', { recursive: true });
fs.copyFileSync('node_modules/h5wasm-plugins/plugins/libH5Zlzf.so', 'dist/h5plugins/libH5Zlzf.so');

// The walkthrough's "Open Sample Image" copies the demo image out of the extension (one file in git: sample/).
fs.mkdirSync('dist/sample', { recursive: true });
fs.copyFileSync('sample/cells.tif', 'dist/sample/cells.tif');

// The WebAssembly kernels become generated TypeScript modules that the bundles import.
await buildWasm();

if (watch) {
  const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
}
