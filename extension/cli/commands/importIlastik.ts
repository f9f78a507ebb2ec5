/**
 * `pixel-classifier import-ilastik <project.ilp> [-o <out>.pixelclass.json] [--force] [--json]` (issue #17):
 * turns an ilastik Pixel Classification project into a Pixel Classifier project and prints what came over and
 * what did not. Exit code 0 on success, 1 when the file cannot be imported (one line naming it), 2 for usage.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { importIlastikProject, ImportIlastikError } from '../../batch/importIlastik';
import { UsageError, type CliCommand, type CliIo } from '../cliCommand';
import { extensionVersion, toUsageError } from './predict';

export const importIlastikCommand: CliCommand = {
  name: 'import-ilastik',
  usage: 'import-ilastik <project.ilp> [-o <out>.pixelclass.json] [--force] [--json]',
  help: `Turns an ilastik Pixel Classification project into a Pixel Classifier project (classes, features, every lane's
images and label blocks, export settings; images stored inside the .ilp become <nickname>.tif) and lists what
did not come over.

Options:
  -o, --output FILE   the project to write (default: <name>.pixelclass.json beside the .ilp)
  --force             replace an existing output
  --json              the import report as JSON on stdout`,
  async run(argv: string[], io: CliIo): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: { output: { type: 'string', short: 'o' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
      });
    } catch (e) {
      throw toUsageError(e);
    }
    const [ilp, ...extra] = parsed.positionals;
    if (!ilp) throw new UsageError('name the ilastik project to import (a .ilp file)');
    if (extra.length > 0) throw new UsageError(`one project at a time; unexpected ${extra.join(' ')}`);
    const input = path.resolve(io.cwd, ilp);
    try {
      const result = await importIlastikProject(input, {
        output: parsed.values.output ? path.resolve(io.cwd, parsed.values.output) : undefined,
        force: parsed.values.force === true,
        extensionVersion: extensionVersion(io.env),
      });
      if (parsed.values.json) {
        io.stdout(`${JSON.stringify({ ok: true, input, ...result }, null, 2)}\n`);
        return 0;
      }
      const labelled = result.images.reduce((n, i) => n + i.labelledPixels, 0);
      io.stdout(`Imported ${path.basename(input)} (ilastik ${result.ilastikVersion}) → ${path.relative(io.cwd, result.projectFile) || result.projectFile}\n`);
      io.stdout(`  ${result.classes} classes, ${result.images.length} image(s), ${labelled} labelled pixels\n`);
      for (const image of result.images) {
        io.stdout(`  ${image.nickname}: ${image.path}${image.extracted ? ' (extracted from the .ilp)' : ''}, ${image.labelledPixels} labelled pixels\n`);
      }
      if (result.notImported.length > 0) {
        io.stdout('Not imported:\n');
        for (const line of result.notImported) io.stdout(`  - ${line}\n`);
      }
      return 0;
    } catch (e) {
      if (!(e instanceof ImportIlastikError)) throw e;
      if (parsed.values.json) io.stdout(`${JSON.stringify({ ok: false, input, error: e.message })}\n`);
      io.stderr(`${e.message}\n`);
      return 1;
    }
  },
};
