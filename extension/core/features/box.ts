/** Boxes (sub-volumes of one time point of an image) in image pixel coordinates, z/y/x order. */

/** Extent of one time point of an image: slices, rows, columns. */
export interface VolumeShape {
  z: number;
  y: number;
  x: number;
}

/** A box: start (z0, y0, x0) and size (nz, ny, nx), in pixels. */
export interface Box {
  z0: number;
  y0: number;
  x0: number;
  nz: number;
  ny: number;
  nx: number;
}

/** Per-axis margins in pixels. */
export interface Margins {
  z: number;
  y: number;
  x: number;
}

/** Number of voxels in a box. */
export function boxVolume(box: Box): number {
  return box.nz * box.ny * box.nx;
}

/** The whole volume as a box. */
export function wholeBox(shape: VolumeShape): Box {
  return { z0: 0, y0: 0, x0: 0, nz: shape.z, ny: shape.y, nx: shape.x };
}

/** `box` grown by `margin` on each side, clipped to the image. */
export function growBox(box: Box, margin: Margins, shape: VolumeShape): Box {
  const z0 = Math.max(0, box.z0 - margin.z), y0 = Math.max(0, box.y0 - margin.y), x0 = Math.max(0, box.x0 - margin.x);
  return {
    z0, y0, x0,
    nz: Math.min(shape.z, box.z0 + box.nz + margin.z) - z0,
    ny: Math.min(shape.y, box.y0 + box.ny + margin.y) - y0,
    nx: Math.min(shape.x, box.x0 + box.nx + margin.x) - x0,
  };
}

/** True when `a` and `b` are the same box. */
export function boxEquals(a: Box, b: Box): boolean {
  return a.z0 === b.z0 && a.y0 === b.y0 && a.x0 === b.x0 && a.nz === b.nz && a.ny === b.ny && a.nx === b.nx;
}

/** True when `inner` lies inside `outer`. */
export function boxContains(outer: Box, inner: Box): boolean {
  return inner.z0 >= outer.z0 && inner.y0 >= outer.y0 && inner.x0 >= outer.x0
    && inner.z0 + inner.nz <= outer.z0 + outer.nz && inner.y0 + inner.ny <= outer.y0 + outer.ny
    && inner.x0 + inner.nx <= outer.x0 + outer.nx;
}

/** True when the box is non-empty and inside the image. */
export function boxInside(box: Box, shape: VolumeShape): boolean {
  return [box.z0, box.y0, box.x0, box.nz, box.ny, box.nx].every(Number.isInteger)
    && box.nz > 0 && box.ny > 0 && box.nx > 0 && boxContains(wholeBox(shape), box);
}

/** "z 0+16, y 10+64, x 0+64" — for error messages. */
export function formatBox(box: Box): string {
  return `z ${box.z0}+${box.nz}, y ${box.y0}+${box.ny}, x ${box.x0}+${box.nx}`;
}

/** Splits a box into blocks of at most `block` voxels per axis (z-major order). */
export function splitBox(box: Box, block: Margins): Box[] {
  const out: Box[] = [];
  for (let z = box.z0; z < box.z0 + box.nz; z += block.z) {
    for (let y = box.y0; y < box.y0 + box.ny; y += block.y) {
      for (let x = box.x0; x < box.x0 + box.nx; x += block.x) {
        out.push({
          z0: z, y0: y, x0: x,
          nz: Math.min(block.z, box.z0 + box.nz - z),
          ny: Math.min(block.y, box.y0 + box.ny - y),
          nx: Math.min(block.x, box.x0 + box.nx - x),
        });
      }
    }
  }
  return out;
}
