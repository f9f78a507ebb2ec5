/**
 * The ESLint layer fences (eslint.config.mjs) fire where the house rules say: `node:*` in extension/core,
 * workers → batch, editor → batch internals, core → layers above it. Linted as virtual files, so the test
 * fails if a fence is dropped or its pattern stops matching.
 */
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import * as path from 'node:path';

const eslint = new ESLint({ cwd: path.resolve(__dirname, '../..') });

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.resolve(__dirname, '../..', file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer fences', () => {
  it('extension/core imports no Node built-ins and no layer above it', async () => {
    expect(await restricted('extension/core/image/x.ts', "import { readFile } from 'node:fs/promises';\nexport const r = readFile;\n"))
      .toEqual([expect.stringMatching(/extension\/core is pure TypeScript/)]);
    expect(await restricted('extension/core/image/x.ts', "import * as p from 'path';\nexport const j = p.join;\n"))
      .toEqual([expect.stringMatching(/extension\/core is pure TypeScript/)]);
    expect(await restricted('extension/core/image/x.ts', "import { sha256File } from '../../project/fileHash';\nexport const h = sha256File;\n"))
      .toEqual([expect.stringMatching(/lowest layer/)]);
    expect(await restricted('extension/core/image/x.ts', "import { openImage } from '../../node/openImage';\nexport const o = openImage;\n"))
      .toEqual([expect.stringMatching(/lowest layer/)]);
    expect(await restricted('extension/core/image/x.ts', "import type { Box } from '../features/box';\nexport type B = Box;\n")).toEqual([]);
  });

  it('workers do not import batch; the editor does not reach into batch', async () => {
    expect(await restricted('extension/workers/jobs/x.ts', "import { predictWorkspace } from '../../batch/predictWorkspace';\nexport const p = predictWorkspace;\n"))
      .toEqual([expect.stringMatching(/Workers sit below batch/)]);
    expect(await restricted('extension/editor/x.ts', "import { predictImage } from '../batch/predictImage';\nexport const p = predictImage;\n"))
      .toEqual([expect.stringMatching(/must not reach into batch internals/)]);
    expect(await restricted('extension/editor/x.ts', "import { readSourceBlock } from '../core/image/readSourceBlock';\nexport const r = readSourceBlock;\n")).toEqual([]);
    expect(await restricted('extension/workers/x.ts', "import { predictTile } from '../core/tiles/predictTile';\nexport const p = predictTile;\n")).toEqual([]);
  });

  it('the engine, CLI and workers never import vscode', async () => {
    for (const file of ['extension/core/x.ts', 'extension/cli/x.ts', 'extension/workers/x.ts', 'extension/batch/x.ts']) {
      expect(await restricted(file, "import * as vscode from 'vscode';\nexport const v = vscode;\n")).toHaveLength(1);
    }
  });
});
