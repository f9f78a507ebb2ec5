/** Runs the CLI in-process with captured output (no child process, so tests stay fast). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../extension/cli/main';
import { openImage } from '../../extension/node/openImage';
import type { PixelArray } from '../../extension/core/image/imageModel';
import { blobImage, scribbles, writeUint16Tiff, writeUint8Tiff, type BlobImage } from './generatedImages';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(cwd: string, argv: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { cwd, env, stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
  return { code, stdout, stderr };
}

export function tempDir(prefix = 'pxc-cli-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A workspace with `n` generated images (img0 labelled) and a trained project `proj.pixelclass.json`. */
export async function trainedWorkspace(n = 3, size = { width: 96, height: 80 }, extraTrainArgs: string[] = []): Promise<{ dir: string; images: BlobImage[] }> {
  const dir = tempDir();
  const images: BlobImage[] = [];
  for (let i = 0; i < n; i++) {
    const image = blobImage(size.width, size.height, 10 + i);
    images.push(image);
    writeUint16Tiff(path.join(dir, `img${i}.tif`), image.pixels, image.width, image.height);
  }
  writeUint8Tiff(path.join(dir, 'labels0.tif'), scribbles(images[0]), size.width, size.height);
  const run = await cli(dir, ['train', '--image', 'img0.tif', '--labels', 'labels0.tif', '--threads', '0', '--features', 'light', '-o', 'proj.pixelclass.json', ...extraTrainArgs]);
  if (run.code !== 0) throw new Error(`train failed: ${run.stderr}`);
  return { dir, images };
}

/** Reads every plane of an image: planes[(t·Z + z)·C + c]. */
export async function readAll(file: string): Promise<{ shape: { t: number; z: number; c: number; y: number; x: number }; dtype: string; planes: PixelArray[]; axes: string; channelNames?: unknown }> {
  const source = await openImage(file);
  try {
    const { shape, dtype, axes, metadata } = source.info;
    const planes: PixelArray[] = [];
    for (let t = 0; t < shape.t; t++) for (let z = 0; z < shape.z; z++) for (let c = 0; c < shape.c; c++) planes.push(await source.readPlane(t, z, c));
    return { shape, dtype, planes, axes, channelNames: metadata.channelNames };
  } finally {
    await source.close();
  }
}
