/**
 * The raw image of a big image as tiles (issue #13): the webview asks for the tiles of the visible region at the
 * resolution level that matches the zoom, keeps raw tiles and their renderings in byte-bounded LRUs, and draws what
 * it has — the coarsest level under everything as a placeholder, so pan and zoom never wait for the host.
 */
import type { ImageDescriptor, ImageTileMessage, PixelBox, TiledImage } from '../../extension/protocol';
import { type DisplayLayer, type PlaneArray, getLut, planeArray, renderLayers } from './lut';
import { chooseLevel, quickLevel, visibleTiles, type TileRef } from './tileGrid';
import { regionFromTiles } from './tileRegion';
import type { TileDraw } from './viewer';
import type { MessageSender } from '../labelPainter';
import { toArrayBuffer } from '../rpc';
import { autoRange, displayedChannels } from '../displaySettings';
import type { ChannelDisplay } from '../viewState';
import type { RawPlane } from './imageLayer';

interface RawTile {
  data: PlaneArray;
  width: number;
  height: number;
}

type Stats = ImageTileMessage['stats'];

/**
 * Raw tiles kept (bytes) and rendered tiles kept (count, 1 MiB each at most). With the label tiles (≤ 48 MiB) and the
 * prediction tiles (≤ 96 MiB of probabilities) the tiled view stays within ~400 MiB whatever the image size.
 */
const RAW_BUDGET = 128 * 2 ** 20;
const RENDERED_TILES = 96;

export class TiledImageLayer {
  readonly tiling: TiledImage;
  private readonly raw = new Map<string, RawTile>();
  private rawBytes = 0;
  private readonly requested = new Set<string>();
  private readonly rendered = new Map<string, HTMLCanvasElement>();
  private readonly stats = new Map<string, Stats>();
  /** Planes whose statistics so far are one tile's (see ImageTileMessage.statsPartial). */
  private readonly partialStats = new Set<string>();
  /** Channels whose contrast was set automatically from a tile's own statistics. */
  private readonly provisionalContrast = new Map<number, { min: number; max: number }>();
  /** The level that matches the zoom and the visible region (level-0 pixels). */
  level = 0;
  private box: PixelBox = { column: 0, row: 0, width: 0, height: 0 };
  shown = false;

  constructor(private readonly rpc: MessageSender, private readonly image: ImageDescriptor, public display: ChannelDisplay,
    private readonly plane: () => { t: number; z: number }, private readonly onRendered: (first: boolean) => void) {
    this.tiling = image.tiled!;
  }

  /** The coarsest level (one or a few tiles: the placeholder under everything). */
  get coarsest(): number {
    return this.tiling.levels.length - 1;
  }

  /** The view changed: `box` is the visible region in level-0 pixels, `deviceScale` device px per level-0 px. */
  setView(box: PixelBox, deviceScale: number): void {
    this.box = box;
    this.level = chooseLevel(this.tiling.levels, deviceScale);
    this.requestTiles();
  }

  /**
   * Levels drawn (and asked for) for the current view, coarse to fine: the coarsest level as the placeholder under
   * everything when it is quick to make (a file pyramid, or a small image), then — when the zoom's level is expensive
   * (computed from much of the file) — the {@link quickLevel} that fills the view in progressively, then the zoom's level.
   */
  private viewLevels(): number[] {
    const levels = this.tiling.levels;
    const out: number[] = [];
    if (quickLevel(levels, this.coarsest) === this.coarsest) out.push(this.coarsest);
    const quick = quickLevel(levels, this.level);
    if (quick !== this.level && !out.includes(quick) && !this.viewCached(this.level)) out.push(quick);
    if (!out.includes(this.level)) out.push(this.level);
    return out;
  }

  /** True when every visible tile of `level` (displayed channels) is in the raw cache. */
  private viewCached(level: number): boolean {
    const { t, z } = this.plane();
    const shown = displayedChannels(this.display, this.image.shape.c);
    return visibleTiles(this.tiling.levels, level, this.box, this.tiling.tileSize)
      .every((tile) => shown.every((c) => this.raw.has(rawKey(t, z, c, level, tile.column, tile.row))));
  }

  /** Asks for the visible tiles of the displayed channels at the {@link viewLevels}, coarse first. */
  requestTiles(): void {
    const { t, z } = this.plane();
    const shown = displayedChannels(this.display, this.image.shape.c);
    for (const level of this.viewLevels()) {
      for (const tile of visibleTiles(this.tiling.levels, level, this.box, this.tiling.tileSize)) {
        for (const c of shown) this.request(t, z, c, tile);
      }
    }
  }

  /** Legacy whole-plane request entry point: tiles instead. */
  requestPlanes(): void {
    this.requestTiles();
  }

  private request(t: number, z: number, c: number, tile: TileRef): void {
    const key = rawKey(t, z, c, tile.level, tile.column, tile.row);
    if (this.raw.has(key) || this.requested.has(key)) return;
    this.requested.add(key);
    document.body.dataset.tilesPending = String(this.requested.size);
    document.body.dataset.firstTileRequestAt ??= String(Math.round(performance.now()));
    this.rpc.send({ type: 'image/requestTile', t, z, c, level: tile.level, column: tile.column, row: tile.row });
  }

  /** A tile from the host; returns true when it belongs to the current plane (it was drawn). */
  onTile(m: ImageTileMessage): boolean {
    const key = rawKey(m.t, m.z, m.c, m.level, m.column, m.row);
    this.requested.delete(key);
    // Readable by tests and benchmarks: a view is complete when no tile is pending.
    document.body.dataset.tilesPending = String(this.requested.size);
    document.body.dataset.firstTileAt ??= String(Math.round(performance.now()));
    const data = planeArray(m.dtype, toArrayBuffer(m.data), m.width * m.height);
    const old = this.raw.get(key);
    if (old) this.rawBytes -= old.data.byteLength;
    this.raw.delete(key);
    this.raw.set(key, { data, width: m.width, height: m.height });
    this.rawBytes += data.byteLength;
    for (const [k, v] of this.raw) {
      if (this.rawBytes <= RAW_BUDGET) break;
      if (k === key) continue;
      this.raw.delete(k);
      this.rawBytes -= v.data.byteLength;
    }
    // A tile's own statistics (statsPartial) stand in until one brings the plane's; so does the contrast made from them,
    // unless the user has set another meanwhile.
    const planeKey = `${m.t}/${m.z}/${m.c}`;
    if (!m.statsPartial || !this.stats.has(planeKey) || this.partialStats.has(planeKey)) {
      this.stats.set(planeKey, m.stats);
      if (m.statsPartial) this.partialStats.add(planeKey);
      else this.partialStats.delete(planeKey);
    }
    const provisional = this.provisionalContrast.get(m.c);
    if (!this.display.contrast[m.c] || (provisional && this.display.contrast[m.c] === provisional && !m.statsPartial)) {
      const range = autoRange(m.stats);
      this.display.contrast[m.c] = range;
      if (m.statsPartial) this.provisionalContrast.set(m.c, range);
      else this.provisionalContrast.delete(m.c);
    }
    const { t, z } = this.plane();
    if (m.t !== t || m.z !== z) return false;
    this.render();
    return true;
  }

  /** Tiles to draw for the current plane: the cached tiles of the coarsest level, any other level shown, then the zoom's. */
  drawable(): TileDraw[] {
    const { t, z } = this.plane();
    const out: TileDraw[] = [];
    const levels = [this.coarsest, quickLevel(this.tiling.levels, this.level), this.level].filter((l, i, all) => all.indexOf(l) === i).sort((a, b) => b - a);
    for (const level of levels) {
      for (const tile of visibleTiles(this.tiling.levels, level, this.box, this.tiling.tileSize)) {
        const canvas = this.renderTile(t, z, tile);
        if (canvas) out.push({ source: canvas, x: tile.x, y: tile.y, width: tile.width, height: tile.height });
      }
    }
    return out;
  }

  /** The display settings as a key: a rendering is valid for one spec. */
  private spec(): { key: string; entries: { channel: number; lut: string }[] } {
    const d = this.display;
    const entries = d.mode === 'single' || this.image.shape.c === 1
      ? [{ channel: Math.min(d.channel, this.image.shape.c - 1), lut: d.lut }]
      : d.composite.filter((l) => l.enabled);
    const key = entries.map((e) => {
      const con = d.contrast[e.channel];
      return `${e.channel}:${e.lut}:${con?.min}:${con?.max}`;
    }).join(',');
    return { key, entries };
  }

  private renderTile(t: number, z: number, tile: TileRef): HTMLCanvasElement | undefined {
    const { key: spec, entries } = this.spec();
    const key = `${t}/${z}/${tile.level}/${tile.column}/${tile.row}|${spec}`;
    const hit = this.rendered.get(key);
    if (hit) {
      this.rendered.delete(key);
      this.rendered.set(key, hit);
      return hit;
    }
    const layers: DisplayLayer[] = [];
    let size: { width: number; height: number } | undefined;
    for (const e of entries) {
      const raw = this.raw.get(rawKey(t, z, e.channel, tile.level, tile.column, tile.row));
      if (!raw) return undefined;
      size = raw;
      const stats = this.stats.get(`${t}/${z}/${e.channel}`);
      const con = this.display.contrast[e.channel] ?? (stats ? autoRange(stats) : { min: 0, max: 1 });
      layers.push({ data: raw.data, dtype: this.image.dtype, min: con.min, max: con.max, lut: getLut(e.lut as never) });
    }
    if (!size) return undefined;
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) return undefined;
    const img = new ImageData(size.width, size.height);
    renderLayers(layers, size.width * size.height, img.data);
    ctx.putImageData(img, 0, 0);
    this.rendered.set(key, canvas);
    while (this.rendered.size > RENDERED_TILES) this.rendered.delete(this.rendered.keys().next().value as string);
    return canvas;
  }

  /** Something changed (a tile, the display): redraw. */
  render(): void {
    const first = !this.shown;
    this.shown = true;
    this.onRendered(first);
  }

  scheduleRender(): void {
    this.render();
  }

  /** Auto contrast of channel `c` from the plane's statistics; false when none has arrived. */
  autoContrast(c: number): boolean {
    const { t, z } = this.plane();
    const stats = this.stats.get(`${t}/${z}/${c}`);
    if (!stats) return false;
    this.display.contrast[c] = autoRange(stats);
    this.render();
    return true;
  }

  /** Raw values at a level-0 pixel from the finest cached tile holding it (undefined where none is cached). */
  valuesAt(column: number, row: number): (number | undefined)[] {
    const { t, z } = this.plane();
    return Array.from({ length: this.image.shape.c }, (_, c) => {
      for (let level = 0; level < this.tiling.levels.length; level++) {
        const l = this.tiling.levels[level];
        const lx = Math.floor(column / l.scale), ly = Math.floor(row / l.scale);
        const T = this.tiling.tileSize;
        const raw = this.raw.get(rawKey(t, z, c, level, Math.floor(lx / T), Math.floor(ly / T)));
        if (raw) return raw.data[(ly % T) * raw.width + (lx % T)];
      }
      return undefined;
    });
  }

  /**
   * Raw values of `box` (level-0 pixels) of channel `c` of plane (t, z), row-major with the box's width, from the
   * level-0 tiles; undefined while one of them is not here. `fetch`: then ask for the missing ones (up to 16 at a time,
   * the centre first; their arrival redraws as any tile's does).
   */
  level0Region(t: number, z: number, c: number, box: PixelBox, fetch: boolean): Float32Array | undefined {
    const T = this.tiling.tileSize;
    const values = regionFromTiles(box, T, (column, row) => this.raw.get(rawKey(t, z, c, 0, column, row)));
    if (values || !fetch) return values;
    let asked = 0;
    for (const ref of visibleTiles(this.tiling.levels, 0, box, T)) {
      if (asked >= 16) break;
      if (this.raw.has(rawKey(t, z, c, 0, ref.column, ref.row))) continue;
      this.request(t, z, c, ref);
      asked++;
    }
    return undefined;
  }

  /** A plane-like view for the histogram and the wand's range: the coarsest level's tile with the plane's statistics. */
  rawPlane(t: number, z: number, c: number): RawPlane | undefined {
    const stats = this.stats.get(`${t}/${z}/${c}`);
    const raw = this.raw.get(rawKey(t, z, c, this.coarsest, 0, 0));
    if (!stats || !raw) return undefined;
    return { t, z, c, width: raw.width, height: raw.height, dtype: this.image.dtype, data: raw.data, stats };
  }

  /** Forgets outstanding requests (after an error the same tile may be asked for again). */
  clearRequests(): void {
    this.requested.clear();
  }

}

function rawKey(t: number, z: number, c: number, level: number, column: number, row: number): string {
  return `${t}/${z}/${c}/${level}/${column}/${row}`;
}
