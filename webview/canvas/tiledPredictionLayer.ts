/**
 * Live predictions of a big image (issue #13): the host predicts level-0 tiles of the visible region only; each is
 * kept as its own small prediction plane and drawn as a tile, rendered per result kind on demand. Generations work as
 * in {@link PredictionLayer}: a clear with live update keeps the old tiles until new ones replace them.
 */
import type { PixelBox, PredictionTileMessage } from '../../extension/protocol';
import { type OverlayKind, type PredictionPlane, compositeTile, createPredictionPlane, probabilitiesAt, renderPredictionOverlay } from './overlays';
import { getLut } from './lut';
import type { TileDraw } from './viewer';
import { toArrayBuffer } from '../rpc';

interface Tile {
  t: number;
  z: number;
  box: PixelBox;
  generation: number;
  plane: PredictionPlane;
  canvases: Partial<Record<OverlayKind, HTMLCanvasElement>>;
}

/** Probability bytes kept over all tiles. */
const BUDGET = 256 * 2 ** 20;

export class TiledPredictionLayer {
  private readonly tiles = new Map<string, Tile>();
  private bytes = 0;
  private generation = -1;
  private palette: Uint8Array = new Uint8Array(256 * 4);
  private t = 0;
  private z = 0;
  private box: PixelBox = { column: 0, row: 0, width: 0, height: 0 };
  tilesDrawn = 0;

  setPlane(t: number, z: number): void {
    this.t = t;
    this.z = z;
  }

  /** The visible region (level-0 pixels). */
  setView(box: PixelBox): void {
    this.box = box;
  }

  setPalette(palette: Uint8Array): void {
    this.palette = palette;
    for (const tile of this.tiles.values()) tile.canvases = {};
  }

  setVisible(): void { /* kinds are rendered when drawn */ }

  get hasCurrent(): boolean {
    for (const tile of this.tiles.values()) if (tile.t === this.t && tile.z === this.z) return true;
    return false;
  }

  clear(generation: number, keepVisible: boolean): void {
    this.generation = Math.max(this.generation, generation);
    if (!keepVisible) { this.tiles.clear(); this.bytes = 0; }
  }

  dropStale(): boolean {
    let removed = false;
    for (const [k, tile] of this.tiles) {
      if (tile.generation < this.generation) { this.tiles.delete(k); this.bytes -= tile.plane.probs.length; removed = true; }
    }
    return removed;
  }

  onTile(m: PredictionTileMessage): boolean {
    if (m.generation < this.generation || !(m.nClasses >= 1) || !(m.box.width > 0) || !(m.box.height > 0)) return false;
    const probabilities = new Uint8Array(toArrayBuffer(m.probabilities));
    if (probabilities.length < m.nClasses * m.box.width * m.box.height) return false;
    const key = `${m.t}/${m.z}/${m.box.row}/${m.box.column}/${m.box.height}/${m.box.width}`;
    const plane = createPredictionPlane(m.box.width, m.box.height, m.nClasses);
    compositeTile(plane, { column: 0, row: 0, width: m.box.width, height: m.box.height }, probabilities);
    const old = this.tiles.get(key);
    if (old) { this.bytes -= old.plane.probs.length; this.tiles.delete(key); }
    this.tiles.set(key, { t: m.t, z: m.z, box: m.box, generation: m.generation, plane, canvases: {} });
    this.bytes += plane.probs.length;
    for (const [k, tile] of this.tiles) {
      if (this.bytes <= BUDGET) break;
      if (k === key) continue;
      this.tiles.delete(k);
      this.bytes -= tile.plane.probs.length;
    }
    this.tilesDrawn++;
    return true;
  }

  probabilitiesAt(column: number, row: number): number[] | undefined {
    for (const tile of this.tiles.values()) {
      const b = tile.box;
      if (tile.t !== this.t || tile.z !== this.z || column < b.column || row < b.row || column >= b.column + b.width || row >= b.row + b.height) continue;
      return probabilitiesAt(tile.plane, column - b.column, row - b.row);
    }
    return undefined;
  }

  /** The visible tiles of the current plane, rendered as `kind`. */
  drawable(kind: OverlayKind): TileDraw[] {
    const out: TileDraw[] = [];
    const v = this.box;
    for (const tile of this.tiles.values()) {
      const b = tile.box;
      if (tile.t !== this.t || tile.z !== this.z) continue;
      if (b.column >= v.column + v.width || b.column + b.width <= v.column || b.row >= v.row + v.height || b.row + b.height <= v.row) continue;
      let canvas = tile.canvases[kind];
      if (!canvas) {
        canvas = document.createElement('canvas');
        canvas.width = b.width;
        canvas.height = b.height;
        const img = new ImageData(b.width, b.height);
        renderPredictionOverlay(tile.plane, { column: 0, row: 0, width: b.width, height: b.height }, kind, this.palette, getLut('magma'), img.data);
        canvas.getContext('2d')!.putImageData(img, 0, 0);
        tile.canvases[kind] = canvas;
      }
      out.push({ source: canvas, x: b.column, y: b.row, width: b.width, height: b.height });
    }
    return out;
  }
}
