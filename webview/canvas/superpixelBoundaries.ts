/**
 * The superpixel brush's boundaries (issue #16: "boundaries shown while the tool is active"): an image-sized
 * canvas on which the borders between SLIC segments of the visible tiles are drawn, one image pixel wide, for the
 * current plane and channel. Tiles are drawn as they are computed; a new plane or channel starts over.
 */
import type { Superpixels } from '../../extension/core/labels/tools/superpixels';
import { canvas2d } from '../dom';

export class SuperpixelBoundaries {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private key = '';
  private readonly drawn = new Set<string>();

  constructor(private readonly width: number, private readonly height: number) {
    ({ canvas: this.canvas, ctx: this.ctx } = canvas2d(width, height));
  }

  /** Starts over when the plane or channel changed; returns the tiles already drawn for it. */
  forPlane(t: number, z: number, c: number): ReadonlySet<string> {
    const key = `${t}/${z}/${c}`;
    if (key !== this.key) {
      this.key = key;
      this.drawn.clear();
      this.ctx.clearRect(0, 0, this.width, this.height);
    }
    return this.drawn;
  }

  /** Draws the borders of one tile (origin column, row): pixels whose right or lower neighbour is another segment. */
  drawTile(column: number, row: number, tile: Superpixels): void {
    const { width: w, height: h, labels } = tile;
    const image = this.ctx.createImageData(w, h);
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
    this.ctx.putImageData(image, column, row);
    this.drawn.add(`${column},${row}`);
  }
}
