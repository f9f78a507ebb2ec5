/**
 * SLIC superpixels of an open image, per fixed tile of a (t, z, c) plane, computed on first use and kept in a
 * small LRU (issue #16: "computed on the visible tiles, cached"). The tiles are the engine's
 * {@link SUPERPIXEL_TILE}-aligned ones, so the webview's preview computes the very same segments.
 */
import type { PixelArray, PlaneRegion } from '../core/image/imageModel';
import { slic, SUPERPIXEL_TILE, type Superpixels } from '../core/labels/tools/superpixels';

/** Reads a box of one plane (the image's readRegion). */
export type RegionReader = (t: number, z: number, c: number, box: PlaneRegion) => Promise<PixelArray>;

/** The superpixel tiles of one image. */
export class SuperpixelTiles {
  private readonly cache = new Map<string, Superpixels>();

  constructor(private readonly read: RegionReader, private readonly width: number, private readonly height: number, private readonly capacity = 64) {}

  /** The superpixels of the tile with origin (column, row) of plane (t, z, c). */
  async tile(t: number, z: number, c: number, column: number, row: number): Promise<Superpixels> {
    const key = `${t}/${z}/${c}/${column}/${row}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const box = { y0: row, y1: Math.min(this.height, row + SUPERPIXEL_TILE), x0: column, x1: Math.min(this.width, column + SUPERPIXEL_TILE) };
    const values = await this.read(t, z, c, box);
    const tile = slic(values, box.x1 - box.x0, box.y1 - box.y0);
    this.cache.set(key, tile);
    while (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value as string);
    return tile;
  }

  /** Loads the tiles under `indices` (plane indices) and returns a synchronous lookup for superpixelBrush. */
  async lookup(t: number, z: number, c: number, indices: ArrayLike<number>): Promise<(column: number, row: number) => Superpixels> {
    const tiles = new Map<string, Superpixels>();
    for (let k = 0; k < indices.length; k++) {
      const row = Math.floor(indices[k] / this.width);
      const column = indices[k] - row * this.width;
      const tc = column - (column % SUPERPIXEL_TILE);
      const tr = row - (row % SUPERPIXEL_TILE);
      const key = `${tc},${tr}`;
      if (!tiles.has(key)) tiles.set(key, await this.tile(t, z, c, tc, tr));
    }
    return (column, row) => tiles.get(`${column},${row}`)!;
  }

  clear(): void {
    this.cache.clear();
  }
}
