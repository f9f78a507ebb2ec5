/**
 * The raw image as displayed: requests the planes of the current (t, z) from the host (the displayed channels
 * first, then the others for the readout), keeps them, and renders them through the channel display (LUTs,
 * contrast, composite) into the image layer.
 */
import type { ImageDescriptor, ImagePlaneMessage } from '../extension/protocol';
import { PlaneStore, ImageLayer, type RawPlane } from './canvas/imageLayer';
import { type DisplayLayer, getLut } from './canvas/lut';
import { autoRange, displayedChannels } from './displaySettings';
import type { MessageSender } from './labelPainter';
import type { ChannelDisplay } from './viewState';

/** Channels whose planes are fetched for the readout even when not displayed. */
const MAX_READOUT_CHANNELS = 64;

export class DisplayedImage {
  readonly planes = new PlaneStore();
  readonly layer: ImageLayer;
  /** True once the first complete image has been rendered. */
  shown = false;
  private renderFrame = 0;

  /**
   * @param plane the current (t, z)
   * @param onRendered called after every render (`first` on the first one)
   */
  constructor(private readonly rpc: MessageSender, private readonly image: ImageDescriptor, public display: ChannelDisplay,
    private readonly plane: () => { t: number; z: number }, private readonly onRendered: (first: boolean) => void) {
    // Renderings are kept to switch back to another plane quickly; an image of one plane has nothing to switch to, and
    // its canvas already holds the rendering (a 2048² plane's would be another 16 MiB).
    this.layer = new ImageLayer(image.shape.t * image.shape.z > 1 ? undefined : 0);
  }

  /** Requests the displayed planes of the current (t, z) first, then the other channels for the readout. */
  requestPlanes(): void {
    const { t, z } = this.plane();
    const shown = displayedChannels(this.display, this.image.shape.c);
    const all = Array.from({ length: Math.min(this.image.shape.c, MAX_READOUT_CHANNELS) }, (_, c) => c);
    for (const c of [...shown, ...all.filter((c) => !shown.includes(c))]) {
      if (this.planes.shouldRequest(t, z, c)) this.rpc.send({ type: 'image/requestPlane', t, z, c });
    }
  }

  /** A plane from the host; returns true when it belongs to the current (t, z) (it was rendered). */
  onPlane(m: ImagePlaneMessage): boolean {
    const plane = this.planes.put(m);
    const { t, z } = this.plane();
    if (m.t !== t || m.z !== z) return false;
    if (!this.display.contrast[m.c]) this.display.contrast[m.c] = autoRange(plane.stats);
    this.render();
    return true;
  }

  /** Renders the current plane; keeps the previous image until every displayed plane is here. */
  render(): void {
    const { t, z } = this.plane();
    const layers: DisplayLayer[] = [];
    const spec: string[] = [];
    const d = this.display;
    const entries = d.mode === 'single' || this.image.shape.c === 1
      ? [{ channel: Math.min(d.channel, this.image.shape.c - 1), lut: d.lut }]
      : d.composite.filter((l) => l.enabled);
    for (const e of entries) {
      const plane = this.planes.get(t, z, e.channel);
      if (!plane) return;
      const con = d.contrast[e.channel] ?? autoRange(plane.stats);
      layers.push({ data: plane.data, dtype: plane.dtype, min: con.min, max: con.max, lut: getLut(e.lut) });
      spec.push(`${e.channel}:${e.lut}:${con.min}:${con.max}`);
    }
    const { x: width, y: height } = this.image.shape;
    this.layer.show(`${t}/${z}|${spec.join(',')}`, width, height, layers);
    const first = !this.shown;
    this.shown = true;
    this.onRendered(first);
  }

  /** Renders on the next frame (slider drags fire faster than a large plane renders). */
  scheduleRender(): void {
    if (this.renderFrame) return;
    this.renderFrame = requestAnimationFrame(() => { this.renderFrame = 0; this.render(); });
  }

  /** Auto contrast of channel `c` from its current plane; returns false when the plane is not here yet. */
  autoContrast(c: number): boolean {
    const { t, z } = this.plane();
    const plane = this.planes.get(t, z, c);
    if (!plane) return false;
    this.display.contrast[c] = autoRange(plane.stats);
    this.render();
    return true;
  }

  /** The raw plane (t, z, c) if it is here (histogram, tools). */
  rawPlane(t: number, z: number, c: number): RawPlane | undefined {
    return this.planes.get(t, z, c);
  }

  /** Forgets outstanding requests (after an error the same plane may be asked for again). */
  clearRequests(): void {
    this.planes.clearRequests();
  }

  /** Raw values of every channel at a pixel of the current plane (undefined where a plane is missing). */
  valuesAt(column: number, row: number): (number | undefined)[] {
    const { t, z } = this.plane();
    const s = this.image.shape;
    return Array.from({ length: s.c }, (_, c) => {
      const plane = this.planes.get(t, z, c);
      return plane ? plane.data[row * s.x + column] : undefined;
    });
  }
}
