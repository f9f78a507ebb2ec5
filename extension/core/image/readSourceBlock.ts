/**
 * Reads the raw pixels a feature block needs: every input channel of a box of one time point, as float32
 * in layout [channel][z][y][x] (the feature engine's source layout), touching only the strips/tiles the
 * box intersects.
 */
import type { Box } from '../features/box';
import type { ImageSource } from './imageModel';

/**
 * @param target optional buffer of at least `c·nz·ny·nx` floats to fill (a new one when absent)
 */
export async function readSourceBlock(source: ImageSource, t: number, box: Box, target?: Float32Array): Promise<Float32Array> {
  const nc = source.info.shape.c;
  const planeSize = box.ny * box.nx;
  const volume = box.nz * planeSize;
  const out = target ? target.subarray(0, nc * volume) : new Float32Array(nc * volume);
  const region = { y0: box.y0, y1: box.y0 + box.ny, x0: box.x0, x1: box.x0 + box.nx };
  for (let c = 0; c < nc; c++) {
    for (let dz = 0; dz < box.nz; dz++) {
      const offset = c * volume + dz * planeSize;
      await source.readRegionFloat32(t, box.z0 + dz, c, region, out.subarray(offset, offset + planeSize));
    }
  }
  return out;
}
