// Layer fences (house style): the engine in extension/core must never import VS Code or the webview,
// because the CLI and the workers run it in plain Node.
import tseslint from 'typescript-eslint';

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
    files: ['extension/core/**/*.ts', 'extension/project/**/*.ts', 'extension/batch/**/*.ts', 'extension/cli/**/*.ts', 'extension/workers/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The engine, CLI and workers run without VS Code.' }],
        patterns: [{ group: ['**/webview/**', '**/editor/**'], message: 'The engine must not depend on the editor or the webview.' }],
      }],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The webview has no VS Code API module.' }],
        patterns: [{ group: ['**/extension/**', '!**/extension/protocol'], message: 'The webview may only import types from extension/protocol.ts.' }],
      }],
    },
  },
);
