/** Bundles a reliability child-process entry with esbuild (once per test process) so it runs under plain node. */
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const built = new Map<string, Promise<string>>();

/** Path of the bundled JS for `entry` (relative to this folder). */
export function buildChild(entry: string): Promise<string> {
  let p = built.get(entry);
  if (!p) {
    p = (async () => {
      const outfile = join(mkdtempSync(join(tmpdir(), 'pc-rel-')), entry.replace(/\.ts$/, '.js'));
      await build({
        entryPoints: [resolve(__dirname, entry)], outfile, bundle: true, platform: 'node', format: 'cjs',
        target: 'node20', logLevel: 'error', external: ['vscode'],
        // a child is a composition root: it runs on the Node platform (issue #20's platform port)
        inject: [resolve(__dirname, '../../setupPlatform.ts')],
      });
      return outfile;
    })();
    built.set(entry, p);
  }
  return p;
}
