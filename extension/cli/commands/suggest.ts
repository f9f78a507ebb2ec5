/**
 * `pixel-classifier suggest --project P.pixelclass.json [--top 20] [--tile 256] [--threads N] [--json]` (issue #16): where
 * labelling would help most — the regions of all the project's images where the classifier is least sure,
 * with a class-balance hint. The same ranking as the editor's "Label Here Next" view.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { suggestRegions } from '../../batch/suggestRegions';
import { readProject } from '../../project/projectFile';
import { UsageError, type CliCommand, type CliIo } from '../cliCommand';
import { createCliPool, parseIntegerOption, toUsageError } from './predict';

export const suggestCommand: CliCommand = {
  name: 'suggest',
  usage: 'suggest --project P.pixelclass.json [--top 20] [--tile 256] [--threads N] [--json]',
  help: `Ranks the regions of every image of a project by the classifier's mean uncertainty (where a label would
help most), highest first, with a hint about classes that have few labels. Each region of --tile pixels is
scored by predicting its central patch.

  --project P      the project (trained from its model cache, or retrained)
  --top N          how many regions to list (default 20)
  --tile N         region edge in pixels (default 256)
  --threads N      worker threads (0 = main thread)
  --json           print {suggestions, classes, hints, skipped} as JSON`,
  async run(argv: string[], io: CliIo): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: { project: { type: 'string' }, top: { type: 'string' }, tile: { type: 'string' }, threads: { type: 'string' }, json: { type: 'boolean' } } });
    } catch (e) {
      throw toUsageError(e);
    }
    if (!parsed.values.project) throw new UsageError('--project is required');
    const top = parseIntegerOption(parsed.values.top, '--top', 1, 10_000) ?? 20;
    const tile = parseIntegerOption(parsed.values.tile, '--tile', 16, 4096) ?? 256;
    const projectFile = path.resolve(io.cwd, parsed.values.project);
    const project = await readProject(projectFile);
    const pool = createCliPool(parseIntegerOption(parsed.values.threads, '--threads', 0, 256), io);
    try {
      const result = await suggestRegions(project, projectFile, { top, tile, pool, allowedRoots: [path.dirname(projectFile), io.cwd] });
      if (parsed.values.json) {
        io.stdout(`${JSON.stringify(result, null, 2)}\n`);
        return 0;
      }
      io.stdout(`Label here next (${path.basename(projectFile)}): mean uncertainty per region, highest first\n`);
      result.suggestions.forEach((s, i) => {
        const where = `${s.image} t=${s.t} z=${s.z} x=${s.box.column}..${s.box.column + s.box.width - 1} y=${s.box.row}..${s.box.row + s.box.height - 1}`;
        io.stdout(`${String(i + 1).padStart(3)}. ${s.score.toFixed(3)}  ${where}\n`);
      });
      for (const hint of result.hints) io.stdout(`Hint: ${hint}\n`);
      for (const line of result.skipped) io.stderr(`skipped ${line}\n`);
      return 0;
    } finally {
      await pool?.dispose();
    }
  },
};
