/** Test doubles for editor host tests: an in-memory image, a fake webview and a fake URI. */
import type { ImageInfo, ImageSource, PixelArray, PlaneRegion } from '../../extension/core/image/imageModel';
import { ImageError } from '../../extension/core/image/imageModel';
import type { WebviewLike } from '../../extension/editor/editorRegistry';
import type { Envelope, HostToWebviewMessage } from '../../extension/protocol';

/** A uint16 image whose sample at (t,z,c,row,column) is t*1000 + z*100 + c*10 + row*width + column (mod 65536). */
export function fakeImage(shape = { t: 1, z: 1, c: 1, y: 4, x: 5 }, name = '/data/cells.tif'): ImageSource & { reads: string[]; closed: boolean } {
  const info: ImageInfo = {
    name, format: 'tiff', shape, axes: 'YX', dtype: 'uint16', pages: shape.t * shape.z * shape.c,
    compression: 'none', metadata: {},
  };
  const value = (t: number, z: number, c: number, i: number) => (t * 1000 + z * 100 + c * 10 + i) & 0xffff;
  const plane = (t: number, z: number, c: number): Uint16Array => {
    const out = new Uint16Array(shape.x * shape.y);
    for (let i = 0; i < out.length; i++) out[i] = value(t, z, c, i);
    return out;
  };
  const region = (t: number, z: number, c: number, box: PlaneRegion): Uint16Array => {
    const w = box.x1 - box.x0;
    const out = new Uint16Array(w * (box.y1 - box.y0));
    for (let r = box.y0; r < box.y1; r++) for (let col = box.x0; col < box.x1; col++) out[(r - box.y0) * w + col - box.x0] = value(t, z, c, r * shape.x + col);
    return out;
  };
  const src = {
    info,
    reads: [] as string[],
    closed: false,
    async readPlane(t: number, z: number, c: number): Promise<PixelArray> {
      src.reads.push(`${t}/${z}/${c}`);
      return plane(t, z, c);
    },
    async readPlaneFloat32(t: number, z: number, c: number, target?: Float32Array) {
      const p = plane(t, z, c);
      const out = target ?? new Float32Array(p.length);
      out.set(p);
      return out;
    },
    async readRegion(t: number, z: number, c: number, box: PlaneRegion): Promise<PixelArray> {
      return region(t, z, c, box);
    },
    async readRegionFloat32(t: number, z: number, c: number, box: PlaneRegion, target?: Float32Array) {
      const p = region(t, z, c, box);
      const out = target ?? new Float32Array(p.length);
      out.set(p);
      return out;
    },
    async close() {
      src.closed = true;
    },
  };
  return src;
}

/** Opener that serves `images` by path and throws an ImageError otherwise. */
export function fakeOpener(images: Record<string, ImageSource>) {
  return async (filePath: string): Promise<ImageSource> => {
    const img = images[filePath];
    if (!img) throw new ImageError(filePath.split('/').pop()!, 'not a TIFF file (bad magic bytes)');
    return img;
  };
}

/** A webview that records what the host posts. */
export class FakeWebview implements WebviewLike {
  readonly posted: Envelope<HostToWebviewMessage>[] = [];
  async postMessage(message: unknown): Promise<boolean> {
    this.posted.push(message as Envelope<HostToWebviewMessage>);
    return true;
  }
  bodies(type?: string): HostToWebviewMessage[] {
    return this.posted.map((e) => e.body).filter((b) => !type || b.type === type);
  }
}

/** Just enough of vscode.Uri for the document. */
export function fakeUri(fsPath: string): any {
  return { fsPath, scheme: 'file', toString: () => `file://${fsPath}`, path: fsPath };
}
