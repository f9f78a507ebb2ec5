/**
 * `pixel-classifier info <image> [--json]`: shape, axes, dtype, pages, compression and metadata of
 * an image, without reading its pixels (issue #2).
 */
import { isAbsolute, resolve } from 'node:path';
import { ImageError, type ImageInfo } from '../../core/image/imageModel';
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
  if (info.levels && info.levels.length > 1) {
    lines.push(`levels:      ${info.levels.map((l) => `${l.shape.x}×${l.shape.y}`).join(', ')}`);
  }
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

/** The `info` subcommand: exit 0 with the description, 1 with a one-line error for a bad image, 2 for bad usage. */
export const infoCommand: CliCommand = {
  name: 'info',
  usage: 'info <image> [--json]   shape, axes, dtype, pages, compression and metadata of a TIFF/PNG/JPEG',
  help: `Describes an image as Pixel Classifier reads it: shape (t, z, c, y, x), axes, sample type, pages,
compression and metadata. Exit code 1 with a one-line reason for an image it cannot read.

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
      io.stdout(json ? `${JSON.stringify({ ...image.info, name: files[0] }, null, 2)}\n` : formatImageInfo({ ...image.info, name: files[0] }));
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
