/**
 * A layer's change counter with a short memory of where its pixels changed, so a drawing derived from the layer (the
 * labels' edge ring) can redo only the changed part: a brush stroke touches a few hundred pixels of a 2048² canvas.
 */
import type { PixelBox } from '../../extension/protocol';
import { unionBox } from './stroke';

/** Changes remembered; older ones answer "unknown" (everything is redone). */
const REMEMBERED = 64;
const EMPTY: PixelBox = { column: 0, row: 0, width: 0, height: 0 };

export class PixelChanges {
  /** Counts the changes; any change increments it. */
  version = 0;
  private log: { version: number; box: PixelBox }[] = [];
  /** Changes up to this version are not known box by box. */
  private known = 0;
  /**
   * A box holding every pixel the layer may have (the union of the changes since it was cleared; it never shrinks);
   * undefined: anywhere.
   */
  extent: PixelBox | undefined = EMPTY;

  /** Pixels of `box` (image pixels, level 0) changed. */
  changed(box: PixelBox): void {
    if (box.width <= 0 || box.height <= 0) return;
    this.version++;
    this.log.push({ version: this.version, box });
    if (this.extent) this.extent = unionBox(this.extent, box);
    if (this.log.length > REMEMBERED) this.known = this.log.shift()!.version;
  }

  /** Any pixel may have changed, anywhere. */
  changedAll(): void {
    this.version++;
    this.log = [];
    this.known = this.version;
    this.extent = undefined;
  }

  /** Every pixel was cleared (a new plane is drawn next, through {@link changed}). */
  cleared(): void {
    this.changedAll();
    this.extent = EMPTY;
  }

  /**
   * The box holding every change after `version` (an empty box when there was none), or undefined when that is not
   * known (too old, or a change of everything since).
   */
  since(version: number): PixelBox | undefined {
    if (version > this.version) return undefined;
    if (version < this.known) return undefined;
    let out = EMPTY;
    for (const { version: v, box } of this.log) if (v > version) out = unionBox(out, box);
    return out;
  }
}

