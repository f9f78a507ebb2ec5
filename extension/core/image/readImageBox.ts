/**
 * The one read primitive of the image model: a 3D box (z, y, x) of one (t, c) at one resolution level
 * (../shared design "one read primitive"). Readers with chunked storage implement `ImageSource.readBox`;
 * the others are read plane by plane through `readRegion` here.
 */
import type { Box } from '../features/box';
import { ImageError, imageLevels, type ImageSource, type PixelArray } from './imageModel';
import { allocatePixels } from './pixelArrays';

/**
 * Reads `box` of channel `c` at time `t` and resolution `level`, layout [z][y][x] row-major, in the file's
 * sample type. Throws {@link ImageError} for a level the image does not have or a box outside that level.
 */
export async function readImageBox(source: ImageSource, level: number, t: number, c: number, box: Box): Promise<PixelArray> {
  const { info } = source;
  const levels = imageLevels(info);
  if (!Number.isInteger(level) || level < 0 || level >= levels.length) {
    throw new ImageError(info.name, `resolution level ${level} does not exist (the image has ${levels.length})`);
  }
  const shape = levels[level].shape;
  const { z0, y0, x0, nz, ny, nx } = box;
  if (![z0, y0, x0, nz, ny, nx].every(Number.isInteger) || z0 < 0 || y0 < 0 || x0 < 0 || nz < 1 || ny < 1 || nx < 1
    || z0 + nz > shape.z || y0 + ny > shape.y || x0 + nx > shape.x) {
    throw new ImageError(info.name, `box z ${z0}+${nz}, rows ${y0}+${ny}, columns ${x0}+${nx} is empty or outside level ${level} (${shape.z}×${shape.y}×${shape.x})`);
  }
  if (source.readBox) return source.readBox(level, t, c, box);
  if (level !== 0) throw new ImageError(info.name, `resolution level ${level} cannot be read by this reader`);
  const out = allocatePixels(info.dtype, nz * ny * nx);
  const region = { y0, y1: y0 + ny, x0, x1: x0 + nx };
  for (let dz = 0; dz < nz; dz++) out.set((await source.readRegion(t, z0 + dz, c, region)) as never, dz * ny * nx);
  return out;
}
