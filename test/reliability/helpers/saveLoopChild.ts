/**
 * Child process of the fault tests (bundled by esbuild, run with plain node):
 * - `loop <file> <firstGen>`: saves generations firstGen, firstGen+1, … forever with the project helper's
 *   atomic writer, printing each generation number after its save resolved (the parent SIGKILLs it);
 * - `once <file> <gen>`: saves one generation and prints `ok` or `error <code> <message>` (disk-full runs);
 * - `tiff <file>`: writes a 512×512 float32 TIFF through the batch export sink (temp + rename), printing the same.
 */
import { writeProject } from '../../../extension/project/projectFile';
import { TiffSink } from '../../../extension/batch/exportSink';
import { projectGeneration } from './projectGenerations';

async function main(): Promise<void> {
  const [mode, file, genText] = process.argv.slice(2);
  if (mode === 'loop') {
    for (let k = Number(genText); ; k++) {
      await writeProject(file, projectGeneration(k));
      process.stdout.write(`${k}\n`);
    }
  }
  try {
    if (mode === 'once') await writeProject(file, projectGeneration(Number(genText)));
    else if (mode === 'tiff') await writeTiffExport(file);
    else throw new Error(`unknown mode ${mode}`);
    process.stdout.write('ok\n');
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    process.stdout.write(`error ${e.code ?? e.name} ${e.message}\n`);
    process.exitCode = 1;
  }
}

/** Exports like the batch does: bands into a TiffSink, `finish()` renames into place, `abort()` on any error. */
async function writeTiffExport(file: string): Promise<void> {
  const width = 512;
  const height = 512;
  const sink = await TiffSink.create(file, { t: 1, z: 1, channels: 1, height, width, dtype: 'float32' },
    { compression: 'none', channelNames: ['p'], spoolMemoryBytes: 1 << 20, axes: 'YX' });
  try {
    const band = new Float32Array(64 * width);
    for (let y0 = 0; y0 < height; y0 += 64) {
      band.fill(y0 / height);
      await sink.writeBand(0, 0, 1, y0, 64, [band]);
    }
    await sink.finish();
  } catch (error) {
    await sink.abort();
    throw error;
  }
}

void main();
