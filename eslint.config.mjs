// Layer fences (house style): layers only point down —
//   commands / editor / cli → batch → workers → project / node → core
// The engine in extension/core is pure TypeScript (+wasm): no VS Code, no webview, no Node built-ins, because
// the CLI, the workers and (one day) a browser run it. Each fence names what it protects in its message.
import tseslint from 'typescript-eslint';

const vscode = { name: 'vscode', message: 'The engine, CLI and workers run without VS Code.' };
const upward = { group: ['**/webview/**', '**/editor/**'], message: 'The engine must not depend on the editor or the webview.' };
const nodeBuiltins = ['assert', 'buffer', 'child_process', 'crypto', 'events', 'fs', 'fs/promises', 'os', 'path', 'stream', 'url', 'util', 'worker_threads', 'zlib'];

/** A no-restricted-imports rule from fences (one rule per file set: flat config replaces, never merges, rule options). */
function fence(paths, patterns) {
  return { 'no-restricted-imports': ['error', { paths, patterns }] };
}

export default tseslint.config(
  // extension/wasm is AssemblyScript (its own types: i32, f32, v128, load/store), built by scripts/buildWasm.mjs.
  { ignores: ['dist/**', 'node_modules/**', 'e2e/**', 'out/**', 'extension/wasm/**', 'extension/core/wasm/generated/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['extension/project/**/*.ts', 'extension/node/**/*.ts', 'extension/batch/**/*.ts', 'extension/cli/**/*.ts'],
    rules: fence([vscode], [upward]),
  },
  {
    files: ['extension/core/**/*.ts'],
    rules: fence(
      [vscode, ...nodeBuiltins.map((name) => ({ name, message: 'extension/core is pure TypeScript: Node adaptors live in extension/node.' }))],
      [
        upward,
        { group: ['node:*'], message: 'extension/core is pure TypeScript: Node adaptors live in extension/node.' },
        {
          group: ['**/project/**', '**/node/**', '**/workers/**', '**/batch/**', '**/cli/**', '**/commands/**', '**/protocol'],
          message: 'extension/core is the lowest layer: it must not import the layers above it.',
        },
      ],
    ),
  },
  {
    files: ['extension/workers/**/*.ts'],
    rules: fence([vscode], [
      upward,
      { group: ['**/batch/**', '**/cli/**', '**/commands/**'], message: 'Workers sit below batch, CLI and commands: move what both need down to extension/core.' },
    ]),
  },
  {
    files: ['extension/editor/**/*.ts'],
    rules: fence([], [
      { group: ['**/batch/**'], message: 'The editor must not reach into batch internals: move what both need down (extension/core, extension/workers).' },
      { group: ['**/cli/**', '**/commands/**'], message: 'The editor must not depend on the CLI or the commands.' },
    ]),
  },
  {
    // The browser build (issue #20): the web adaptors, the browser entry and the activation both entries share run in
    // the web-worker extension host, which has no Node built-ins and where extension/node cannot work.
    files: ['extension/web/**/*.ts', 'extension/extensionWeb.ts', 'extension/activateExtension.ts'],
    rules: fence(
      nodeBuiltins.map((name) => ({ name, message: 'The browser build has no Node built-ins: use the platform port (extension/core/platform) or extension/web.' })),
      [
        { group: ['node:*'], message: 'The browser build has no Node built-ins: use the platform port (extension/core/platform) or extension/web.' },
        { group: ['**/node/**', './node/*'], message: 'The browser build must not import the Node adaptors (extension/node): use their counterparts in extension/web.' },
      ],
    ),
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The webview has no VS Code API module.' }],
        // The labelling tools' rasterisers are shared so the preview is exactly the edit (issue #16: one rasterizer).
        patterns: [{ regex: '(^|/)extension/(?!protocol$|core/labels/rasterizeStroke$|core/labels/tools/(floodFill|magicWand|rasterizePolygon|superpixels)$|core/views/slicePlane$|core/views/tileGeometry$)', message: 'The webview may only import extension/protocol.ts and the labelling rasterisers in extension/core/labels.' }],
      }],
    },
  },
);
