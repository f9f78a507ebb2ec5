/**
 * The superpixel brush's boundaries (issue #16: "boundaries shown while the tool is active"): the borders between
 * SLIC segments of the visible superpixel tiles, one image pixel wide, for the current plane and channel, as one
 * small canvas per tile — drawn like any tiled layer, so a big image shown as tiles (issue #13, and every image above
 * 2 megapixels in the browser, #20) shows them too. Tiles are drawn as they are computed; a new plane or channel
 * starts over.
 */
import type { PixelBox } from '../../extension/protocol';
import type { Superpixels } from '../../extension/core/labels/tools/superpixels';
import { canvas2d } from '../dom';
import type { TileDraw } from './viewer';

/** Tiles kept (256² each, 256 KiB of pixels): more than the 24 the editor draws at most for a view. */
const MAX_TILES = 64;

export class SuperpixelBoundaries {
  private key = '';
  /** "column,row" of each tile's origin → its borders, least recently drawn first. */
  private readonly tiles = new Map<string, { column: number; row: number; canvas: HTMLCanvasElement }>();

  /** Starts over when the plane or channel changed; returns the tiles already drawn for it ("column,row" keys). */
  forPlane(t: number, z: number, c: number): { has(key: string): boolean } {
    const key = `${t}/${z}/${c}`;
    if (key !== this.key) {
      this.key = key;
      this.tiles.clear();
    }
    return this.tiles;
  }

  /** Draws the borders of one tile (origin column, row): pixels whose right or lower neighbour is another segment. */
  drawTile(column: number, row: number, tile: Superpixels): void {
    const { width: w, height: h, labels } = tile;
    const { canvas, ctx } = canvas2d(w, h);
    const image = ctx.createImageData(w, h);
    const px = image.data;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        const l = labels[i];
        if ((x + 1 < w && labels[i + 1] !== l) || (y + 1 < h && labels[i + w] !== l)) {
          px[4 * i] = 255; px[4 * i + 1] = 255; px[4 * i + 2] = 255; px[4 * i + 3] = 150;
        }
      }
    }
    ctx.putImageData(image, 0, 0);
    const key = `${column},${row}`;
    this.tiles.delete(key);
    this.tiles.set(key, { column, row, canvas });
    while (this.tiles.size > MAX_TILES) this.tiles.delete(this.tiles.keys().next().value as string);
  }

  /** Tiles drawn for the current plane and channel (tests and tools read it). */
  get drawnTiles(): number {
    return this.tiles.size;
  }

  /** The drawn tiles crossing `box` (image pixels). */
  drawable(box: PixelBox): TileDraw[] {
    const out: TileDraw[] = [];
    for (const { column, row, canvas } of this.tiles.values()) {
      if (column >= box.column + box.width || row >= box.row + box.height || column + canvas.width <= box.column || row + canvas.height <= box.row) continue;
      out.push({ source: canvas, x: column, y: row, width: canvas.width, height: canvas.height });
    }
    return out;
  }
}
