/**
 * A layer's change counter with a short memory of where its pixels changed, so a drawing derived from the layer (the
 * labels' edge ring) can redo only the changed part: a brush stroke touches a few hundred pixels of a 2048² canvas.
 */
import type { PixelBox } from '../../extension/protocol';

/** Changes remembered; older ones answer "unknown" (everything is redone). */
const REMEMBERED = 64;
const EMPTY: PixelBox = { column: 0, row: 0, width: 0, height: 0 };

export class PixelChanges {
  /** Counts the changes; any change increments it. */
  version = 0;
  private log: { version: number; box: PixelBox }[] = [];
  /** Changes up to this version are not known box by box. */
  private known = 0;

  /** Pixels of `box` (image pixels, level 0) changed. */
  changed(box: PixelBox): void {
    if (box.width <= 0 || box.height <= 0) return;
    this.version++;
    this.log.push({ version: this.version, box });
    if (this.log.length > REMEMBERED) this.known = this.log.shift()!.version;
  }

  /** Any pixel may have changed (a new plane, a new palette, tiles replaced). */
  changedAll(): void {
    this.version++;
    this.log = [];
    this.known = this.version;
  }

  /**
   * The box holding every change after `version` (an empty box when there was none), or undefined when that is not
   * known (too old, or a change of everything since).
   */
  since(version: number): PixelBox | undefined {
    if (version > this.version) return undefined;
    if (version < this.known) return undefined;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const { version: v, box } of this.log) {
      if (v <= version) continue;
      x0 = Math.min(x0, box.column); y0 = Math.min(y0, box.row);
      x1 = Math.max(x1, box.column + box.width); y1 = Math.max(y1, box.row + box.height);
    }
    return x1 > x0 ? { column: x0, row: y0, width: x1 - x0, height: y1 - y0 } : EMPTY;
  }
}
