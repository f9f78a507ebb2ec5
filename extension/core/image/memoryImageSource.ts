import { ImageError, type ImageInfo, type ImageSource, type PixelArray, type PlaneRegion } from './imageModel';
import { allocatePixels, toFloat32 } from './pixelArrays';

/**
 * An {@link ImageSource} over planes already in memory (decoded PNG/JPEG, tests, computed volumes).
 * `planes[(t*z + z)*c + c]` holds plane (t, z, c), row-major `y*x` samples of `info.dtype`.
 */
export function memoryImageSource(info: ImageInfo, planes: PixelArray[]): ImageSource {
  const { t: nt, z: nz, c: nc, y: height, x: width } = info.shape;
  if (planes.length !== nt * nz * nc) throw new ImageError(info.name, `expected ${nt * nz * nc} planes, got ${planes.length}`);
  const plane = (t: number, z: number, c: number): PixelArray => {
    if (!(t >= 0 && t < nt && z >= 0 && z < nz && c >= 0 && c < nc) || ![t, z, c].every(Number.isInteger)) {
      throw new ImageError(info.name, `plane (t=${t}, z=${z}, c=${c}) is outside the image (${nt}×${nz}×${nc})`);
    }
    return planes[(t * nz + z) * nc + c];
  };
  const region = (t: number, z: number, c: number, box: PlaneRegion): PixelArray => {
    const { y0, y1, x0, x1 } = box;
    if (![y0, y1, x0, x1].every(Number.isInteger) || y0 < 0 || x0 < 0 || y1 > height || x1 > width || y1 <= y0 || x1 <= x0) {
      throw new ImageError(info.name, `region rows ${y0}..${y1}, columns ${x0}..${x1} is empty or outside the ${width}×${height} plane`);
    }
    const src = plane(t, z, c);
    const w = x1 - x0;
    const out = allocatePixels(info.dtype, w * (y1 - y0));
    for (let y = y0; y < y1; y++) out.set(src.subarray(y * width + x0, y * width + x1) as never, (y - y0) * w);
    return out;
  };
  return {
    info,
    readPlane: async (t, z, c) => plane(t, z, c).slice(),
    readPlaneFloat32: async (t, z, c, target) => toFloat32(plane(t, z, c), target),
    readRegion: async (t, z, c, box) => region(t, z, c, box),
    readRegionFloat32: async (t, z, c, box, target) => toFloat32(region(t, z, c, box), target),
    close: async () => { /* nothing held */ },
  };
}
