/**
 * The labels of one tile of the tiled view (issue #13) at a resolution level: at level 0 the labels as they are; at a
 * coarser level each pixel covers a block of level-0 pixels and shows the largest class id in it, so a thin stroke
 * stays visible when zoomed out (a mean or a sample would make it vanish).
 */
import type { LabelVolume } from './labelVolume';

/**
 * @param box level-0 rectangle the tile covers (clipped to the image)
 * @param scale level-0 pixels per tile pixel (1 at level 0)
 * @param width, height tile size in its level's pixels
 * @returns row-major class ids, `width × height`
 */
export function labelTile(volume: LabelVolume, t: number, z: number, box: { x: number; y: number; width: number; height: number }, scale: number, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const plane = volume.plane(t, z);
  const W = volume.shape.x;
  const xEnd = box.x + box.width, yEnd = box.y + box.height;
  // Block edges of every output column, computed once.
  const cols = new Int32Array(width + 1);
  for (let j = 0; j <= width; j++) cols[j] = Math.min(xEnd, box.x + Math.floor(j * scale));
  for (let i = 0; i < height; i++) {
    const r0 = box.y + Math.floor(i * scale), r1 = Math.min(yEnd, box.y + Math.floor((i + 1) * scale));
    for (let r = r0; r < Math.max(r1, r0 + 1) && r < yEnd; r++) {
      const rowStart = r * W;
      for (let j = 0; j < width; j++) {
        let best = out[i * width + j];
        const c1 = Math.max(cols[j + 1], cols[j] + 1);
        for (let c = cols[j]; c < c1 && c < xEnd; c++) {
          const v = plane[rowStart + c];
          if (v > best) best = v;
        }
        out[i * width + j] = best;
      }
    }
  }
  return out;
}
