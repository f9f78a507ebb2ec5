/**
 * Procedural test content for the big-image benchmark: discs (~3000) on a background (~1000) plus noise, the same
 * value at (z, y, x) whatever block asks for it, so generators stream block by block without holding an image.
 * One disc per 64-pixel cell (hash-placed), so a pixel's value needs only its own cell.
 */

function hash(a: number, b: number, c: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b ^ 0xc2b2ae35, 0x27d4eb2f) ^ Math.imul(c + 0x165667b1, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 2 ** 32;
}

const CELL = 64;

/** Whether (z, y, x) is inside a disc (the ground truth). */
export function insideDisc(z: number, y: number, x: number): boolean {
  const cy = Math.floor(y / CELL);
  const cx = Math.floor(x / CELL);
  const cz = Math.floor(z / 8);
  const r = 6 + 14 * hash(cz, cy, cx);
  const oy = cy * CELL + CELL / 2 + (hash(cx, cz, cy) - 0.5) * (CELL - 2 * r);
  const ox = cx * CELL + CELL / 2 + (hash(cy, cx, cz) - 0.5) * (CELL - 2 * r);
  return (y - oy) ** 2 + (x - ox) ** 2 <= r * r;
}

/** uint16 intensity at (z, y, x). */
export function intensity(z: number, y: number, x: number): number {
  const noise = (hash(x, y, z) + hash(y, z, x) + hash(z, x, y) - 1.5) * 300;
  return Math.max(0, Math.round((insideDisc(z, y, x) ? 3000 : 1000) + noise));
}

/** A block of uint16 intensities (`ny × nx` of slice z, sampled every `step` level-0 pixels). */
export function intensityBlock(z: number, y0: number, x0: number, ny: number, nx: number, step = 1): Uint16Array {
  const out = new Uint16Array(ny * nx);
  for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) out[y * nx + x] = intensity(z, (y0 + y) * step, (x0 + x) * step);
  return out;
}
