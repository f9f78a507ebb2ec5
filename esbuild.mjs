// One build script, seven bundles (see house style):
//   dist/extension.js      extension host (node/cjs, `vscode` external)
//   dist/computeWorker.js  worker_threads entry (node/cjs)
//   dist/webview.js        webview (browser/iife)
//   dist/cli.js            headless CLI (node/cjs with shebang; `vscode` NOT external, so an accidental import fails the build)
//   dist/hdf5.js           h5wasm (HDF5 in WebAssembly), required on first use by the three node bundles
//   dist/web/computeWorker.js  compute Web Worker (browser/iife), embedded as text in the next one (issue #20)
//   dist/web/extension.js  browser entry (`browser`: the web-worker extension host; browser/cjs, `vscode` external):
//                          extension/node/<module> resolves to extension/web/<module>, `node:path` to a POSIX
//                          implementation, any other Node built-in fails the build
// Flags: --watch (esbuild contexts), --production (minify, no sourcemaps).
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
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

/**
 * The browser bundles' platform swap (issue #20): every import of extension/node/<module> resolves to
 * extension/web/<module> (same exports, checked by test/web/nodeParity.test.ts), `node:path` to a POSIX path
 * module, and any other Node built-in is an error naming the importer — so the web build provably uses none.
 */
const webPlatform = {
  name: 'web-platform',
  setup(build) {
    const root = path.resolve('extension');
    build.onResolve({ filter: /^(node:)?path$/ }, () => ({ path: path.join(root, 'web', 'posixPath.ts') }));
    build.onResolve({ filter: /^pixel-classifier:compute-worker-source$/ }, () => ({ path: path.resolve('dist/web/computeWorker.js'), namespace: 'worker-source' }));
    build.onLoad({ filter: /.*/, namespace: 'worker-source' }, async (args) => ({ contents: await fs.promises.readFile(args.path, 'utf8'), loader: 'text' }));
    // Our own code may not import a built-in; packages map theirs through their package.json "browser" field.
    build.onResolve({ filter: /^node:|^(fs|os|crypto|zlib|worker_threads|child_process|module|url|util|events|vm|stream|buffer)(\/.*)?$/ }, (args) => (args.importer.includes('node_modules') && !args.path.startsWith('node:') ? undefined : {
      errors: [{ text: `the browser build cannot use the Node built-in "${args.path}" (imported by ${path.relative('.', args.importer)}): go through the platform port or add a counterpart in extension/web` }],
    }));
    build.onResolve({ filter: /\/node\/[A-Za-z0-9]+$/ }, (args) => {
      const target = path.resolve(args.resolveDir, args.path);
      if (path.dirname(target) !== path.join(root, 'node')) return undefined;
      const web = path.join(root, 'web', `${path.basename(target)}.ts`);
      if (!fs.existsSync(web)) return { errors: [{ text: `extension/node/${path.basename(target)} has no browser counterpart extension/web/${path.basename(target)}.ts (imported by ${path.relative('.', args.importer)})` }] };
      return { path: web };
    });
  },
};
const web = { ...common, platform: 'browser', target: 'es2022', plugins: [problemMatcher, webPlatform] };
const webConfigs = [
  // Embedded as text in the next bundle and held as a string by the extension host and by every compute worker:
  // always minified, and ASCII only (one non-Latin-1 character in a comment made V8 store all of it two bytes wide).
  { ...web, format: 'iife', entryPoints: ['extension/web/webComputeWorker.ts'], outfile: 'dist/web/computeWorker.js', sourcemap: false, minify: true, charset: 'ascii', legalComments: 'none' },
  // The web extension host keeps the bundle's source as a string for the page's lifetime: minified (source maps
  // still map it back in development) and ASCII, so it is a third of the size and one byte per character.
  { ...web, format: 'cjs', entryPoints: ['extension/extensionWeb.ts'], outfile: 'dist/web/extension.js', external: ['vscode'], minify: true, charset: 'ascii' },
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
  // The web worker is built once first: the browser entry embeds it (rerun the build after changing worker code).
  await esbuild.build(webConfigs[0]);
  const contexts = await Promise.all([...configs, webConfigs[1]].map((c) => esbuild.context(c)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  // The browser entry embeds the web worker's bundle, so that one is built first.
  await Promise.all([...configs.map((c) => esbuild.build(c)), esbuild.build(webConfigs[0]).then(() => esbuild.build(webConfigs[1]))]);
}
