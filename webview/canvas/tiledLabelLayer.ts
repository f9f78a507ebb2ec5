/**
 * Labels of a big image as tiles (issue #13): the labels of the visible tiles at the level of the image tiles (coarser
 * levels show a label where any pixel of the block has one), drawn per tile in class colours. Strokes are previewed
 * into the level-0 tiles they cross; the host's `labels/patch` then updates level-0 tiles in place and makes coarser
 * tiles it crosses be asked for again.
 */
import type { LabelsPatchMessage, LabelsTileMessage, PixelBox, TiledImage } from '../../extension/protocol';
import { renderLabels } from './overlays';
import { clipBox, type StrokeMask } from './stroke';
import { visibleTiles, tileRef, type TileRef } from './tileGrid';
import type { TileDraw } from './viewer';
import type { MessageSender } from '../labelPainter';
import { toArrayBuffer } from '../rpc';
import { PixelChanges } from './pixelChanges';

interface LabelTile {
  t: number;
  z: number;
  ref: TileRef;
  data: Uint8Array;
  width: number;
  height: number;
  canvas: HTMLCanvasElement;
  /** Any label in the tile. */
  labelled: boolean;
}

/** Label tiles kept. */
const MAX_TILES = 192;

export class TiledLabelLayer {
  private readonly tiles = new Map<string, LabelTile>();
  private readonly requested = new Set<string>();
  /** Tiles that changed while their request was in flight. */
  private readonly stale = new Set<string>();
  private palette: Uint8Array = new Uint8Array(256 * 4);
  private t = 0;
  private z = 0;
  private level = 0;
  private box: PixelBox = { column: 0, row: 0, width: 0, height: 0 };
  /** Where the tiles' pixels changed, in level-0 pixels (the viewer redoes the labels' edge only there). */
  readonly changes = new PixelChanges();

  constructor(private readonly rpc: MessageSender, private readonly tiling: TiledImage) {}

  /** Switches to plane (t, z); tiles are asked for by {@link setView}. Never needs a whole-plane request. */
  setPlane(t: number, z: number): boolean {
    this.t = t;
    this.z = z;
    this.requestTiles();
    return false;
  }

  /** The visible region (level-0 pixels) and the level the image tiles are shown at. */
  setView(box: PixelBox, level: number): void {
    this.box = box;
    this.level = level;
    this.requestTiles();
  }

  private requestTiles(): void {
    for (const tile of visibleTiles(this.tiling.levels, this.level, this.box, this.tiling.tileSize)) {
      const key = tileKey(this.t, this.z, tile.level, tile.column, tile.row);
      if (this.tiles.has(key) || this.requested.has(key)) continue;
      this.requested.add(key);
      this.rpc.send({ type: 'labels/requestTile', t: this.t, z: this.z, level: tile.level, column: tile.column, row: tile.row });
    }
  }

  setPalette(palette: Uint8Array): void {
    this.palette = palette;
    for (const tile of this.tiles.values()) this.redraw(tile, { column: 0, row: 0, width: tile.width, height: tile.height });
  }

  onTile(m: LabelsTileMessage): void {
    const key = tileKey(m.t, m.z, m.level, m.column, m.row);
    this.requested.delete(key);
    if (this.stale.delete(key)) {
      // The answer predates a change: ask again.
      this.requested.add(key);
      this.rpc.send({ type: 'labels/requestTile', t: m.t, z: m.z, level: m.level, column: m.column, row: m.row });
      return;
    }
    const canvas = document.createElement('canvas');
    canvas.width = m.width;
    canvas.height = m.height;
    const data = new Uint8Array(toArrayBuffer(m.data), 0, m.width * m.height);
    const tile: LabelTile = { t: m.t, z: m.z, ref: tileRef(this.tiling.levels, m.level, m.column, m.row, this.tiling.tileSize), data, width: m.width, height: m.height, canvas, labelled: false };
    this.tiles.delete(key);
    this.tiles.set(key, tile);
    while (this.tiles.size > MAX_TILES) this.tiles.delete(this.tiles.keys().next().value as string);
    this.redraw(tile, { column: 0, row: 0, width: m.width, height: m.height });
  }

  /** A changed box of level 0: level-0 tiles are patched, coarser tiles crossing it are asked for again. */
  onPatch(m: LabelsPatchMessage): void {
    const data = new Uint8Array(toArrayBuffer(m.data), 0, m.box.width * m.box.height);
    const b = m.box;
    for (const [key, tile] of this.tiles) {
      if (tile.t !== m.t || tile.z !== m.z) continue;
      const r = tile.ref;
      const x0 = Math.max(b.column, r.x), x1 = Math.min(b.column + b.width, r.x + r.width);
      const y0 = Math.max(b.row, r.y), y1 = Math.min(b.row + b.height, r.y + r.height);
      if (x0 >= x1 || y0 >= y1) continue;
      if (r.level === 0) {
        for (let y = y0; y < y1; y++) {
          for (let x = x0; x < x1; x++) tile.data[(y - r.y) * tile.width + (x - r.x)] = data[(y - b.row) * b.width + (x - b.column)];
        }
        this.redraw(tile, { column: x0 - r.x, row: y0 - r.y, width: x1 - x0, height: y1 - y0 });
      } else {
        this.tiles.delete(key);
      }
    }
    for (const key of this.requested) if (key.startsWith(`${m.t}/${m.z}/`)) this.stale.add(key);
    if (m.t === this.t && m.z === this.z) this.requestTiles();
  }

  /** Stroke preview into the loaded level-0 tiles it crosses (one rectangle per run of the mask). */
  preview(stroke: StrokeMask, classId: number): void {
    const { box, mask } = stroke;
    if (box.width === 0 || box.height === 0) return;
    const p = classId * 4;
    const erase = classId === 0 || this.palette[p + 3] === 0;
    for (const tile of this.tiles.values()) {
      const r = tile.ref;
      if (r.level !== 0 || (tile.t !== this.t || tile.z !== this.z)) continue;
      if (box.column >= r.x + r.width || box.column + box.width <= r.x || box.row >= r.y + r.height || box.row + box.height <= r.y) continue;
      const ctx = tile.canvas.getContext('2d')!;
      ctx.fillStyle = `rgb(${this.palette[p]},${this.palette[p + 1]},${this.palette[p + 2]})`;
      for (let row = 0; row < box.height; row++) {
        let c = 0;
        while (c < box.width) {
          while (c < box.width && !mask[row * box.width + c]) c++;
          const start = c;
          while (c < box.width && mask[row * box.width + c]) c++;
          if (c > start) {
            const x = box.column + start - r.x, y = box.row + row - r.y;
            if (erase) ctx.clearRect(x, y, c - start, 1); else ctx.fillRect(x, y, c - start, 1);
          }
        }
      }
      tile.labelled = true;
      this.changes.changed(box);
    }
  }

  /** Nothing to remember: the host's patch repaints the tiles a stroke crossed. */
  strokeSent(): void { /* see above */ }

  /** Drops stroke previews (the host reported an error): tiles are redrawn from their labels. */
  dropPreviews(): void {
    for (const tile of this.tiles.values()) this.redraw(tile, { column: 0, row: 0, width: tile.width, height: tile.height });
  }

  /** Class id at a level-0 pixel of the current plane (from the finest tile loaded; 0 when unknown). */
  labelAt(column: number, row: number): number {
    for (const tile of this.tiles.values()) {
      const r = tile.ref;
      if ((tile.t !== this.t || tile.z !== this.z) || column < r.x || row < r.y || column >= r.x + r.width || row >= r.y + r.height) continue;
      const scale = this.tiling.levels[r.level].scale;
      const lx = Math.min(tile.width - 1, Math.floor((column - r.x) / scale)), ly = Math.min(tile.height - 1, Math.floor((row - r.y) / scale));
      return tile.data[ly * tile.width + lx];
    }
    return 0;
  }

  /** True when no visible tile has a label. */
  get isBlank(): boolean {
    return this.drawable().length === 0;
  }

  /** Tiles of the current plane and level in view that have labels. */
  drawable(): TileDraw[] {
    const out: TileDraw[] = [];
    for (const ref of visibleTiles(this.tiling.levels, this.level, this.box, this.tiling.tileSize)) {
      const tile = this.tiles.get(tileKey(this.t, this.z, ref.level, ref.column, ref.row));
      if (tile?.labelled) out.push({ source: tile.canvas, x: ref.x, y: ref.y, width: ref.width, height: ref.height });
    }
    return out;
  }


  private redraw(tile: LabelTile, box: PixelBox): void {
    const b = clipBox(box, tile.width, tile.height);
    if (b.width === 0 || b.height === 0) return;
    const scale = this.tiling.levels[tile.ref.level].scale;
    this.changes.changed({ column: tile.ref.x + b.column * scale, row: tile.ref.y + b.row * scale, width: b.width * scale, height: b.height * scale });
    const img = new ImageData(b.width, b.height);
    renderLabels(tile.data, tile.width, b, this.palette, img.data);
    tile.canvas.getContext('2d')!.putImageData(img, b.column, b.row);
    let any = false;
    for (let i = 0; i < tile.data.length; i++) if (tile.data[i]) { any = true; break; }
    tile.labelled = any;
  }
}

function tileKey(t: number, z: number, level: number, column: number, row: number): string {
  return `${t}/${z}/${level}/${column}/${row}`;
}
