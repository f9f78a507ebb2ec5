/**
 * `pixel-classifier info <image> [--json]`: shape, axes, dtype, pages, compression, resolution levels, pixel size
 * and metadata of an image, without reading its pixels (issues #2, #13).
 */
import { isAbsolute, resolve } from 'node:path';
import { ImageError, imageLevels, type ImageInfo } from '../../core/image/imageModel';
import { formatPixelSize, pixelSizeFromMetadata } from '../../core/image/pixelSize';
import { openImage } from '../../node/openImage';
import { UsageError, type CliCommand, type CliIo } from '../cliCommand';

/** Formats {@link ImageInfo} as aligned `key: value` lines. */
export function formatImageInfo(info: ImageInfo): string {
  const { t, z, c, y, x } = info.shape;
  const lines = [
    `file:        ${info.name}`,
    `format:      ${info.format}`,
    `shape:       t=${t} z=${z} c=${c} y=${y} x=${x}`,
    `axes:        ${info.axes}`,
    `dtype:       ${info.dtype}`,
    `pages:       ${info.pages}`,
    `compression: ${info.compression}`,
  ];
  if (info.chunkShape) lines.push(`chunks:      z=${info.chunkShape.z} y=${info.chunkShape.y} x=${info.chunkShape.x}`);
  const size = pixelSizeFromMetadata(info);
  lines.push(`pixel size:  ${size ? `${formatPixelSize(size)} (${size.source})` : 'not stated'}`);
  const levels = imageLevels(info);
  lines.push(`levels:      ${levels.length}`);
  levels.forEach((level, i) => {
    const s = level.shape;
    lines.push(`  ${i}: z=${s.z} y=${s.y} x=${s.x}  scale z=${num(level.scale.z)} y=${num(level.scale.y)} x=${num(level.scale.x)}`);
  });
  const entries = Object.entries(info.metadata);
  if (entries.length > 0) {
    lines.push('metadata:');
    for (const [key, value] of entries) {
      const text = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
      lines.push(`  ${key}: ${text.replace(/\n/g, '\\n')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const num = (v: number) => String(Number(v.toPrecision(6)));

/** The `info` subcommand: exit 0 with the description, 1 with a one-line error for a bad image, 2 for bad usage. */
export const infoCommand: CliCommand = {
  name: 'info',
  usage: 'info <image> [--json]   shape, axes, dtype, levels, pixel size and metadata of an image (TIFF, PNG, JPEG, HDF5, OME-Zarr)',
  help: `Describes an image as Pixel Classifier reads it: shape (t, z, c, y, x), axes, sample type, pages,
compression, chunk shape, physical pixel size, resolution levels (shape and scale of each) and metadata.
<image> is a TIFF/PNG/JPEG file, an HDF5 file (file.h5 or file.h5/dataset) or an OME-Zarr / Zarr folder. Exit code 1 with a one-line reason for an image it cannot read.

Options:
  --json   the description as JSON on stdout`,
  async run(argv: string[], io: CliIo): Promise<number> {
    const json = argv.includes('--json');
    const unknown = argv.filter((a) => a.startsWith('-') && a !== '--json');
    if (unknown.length > 0) throw new UsageError(`unknown option ${unknown[0]}`);
    const files = argv.filter((a) => !a.startsWith('-'));
    if (files.length !== 1) throw new UsageError('expected exactly one image path');
    const path = isAbsolute(files[0]) ? files[0] : resolve(io.cwd, files[0]);
    try {
      const image = await openImage(path);
      await image.close();
      const info = { ...image.info, name: files[0] };
      const described = { ...info, levels: imageLevels(info), pixelSize: pixelSizeFromMetadata(info) ?? null };
      io.stdout(json ? `${JSON.stringify(described, null, 2)}\n` : formatImageInfo(info));
      return 0;
    } catch (error) {
      if (error instanceof ImageError) {
        io.stderr(`${files[0]}: ${error.reason}\n`);
        return 1;
      }
      throw error;
    }
  },
};
