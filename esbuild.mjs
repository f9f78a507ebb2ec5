// One build script, four bundles (see house style):
//   dist/extension.js      extension host (node/cjs, `vscode` external)
//   dist/computeWorker.js  worker_threads entry (node/cjs)
//   dist/webview.js        webview (browser/iife)
//   dist/cli.js            headless CLI (node/cjs with shebang; `vscode` NOT external, so an accidental import fails the build)
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

const configs = [
  { ...node, entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...node, entryPoints: ['extension/workers/computeWorker.ts'], outfile: 'dist/computeWorker.js' },
  { ...node, entryPoints: ['extension/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js' },
];

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
