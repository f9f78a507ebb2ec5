/**
 * Image decoding jobs, so the extension host never blocks on decoding a big plane (issue #2):
 * the editor opens the header in the host and asks a worker for the planes (extension/editor/imageOpener.ts).
 * Each worker keeps the last few opened images, so successive planes of one file do not re-parse its IFDs.
 */
import type { JobOutputOf } from '../workerProtocol';
import type { DType } from '../../core/image/imageModel';
import type { ImageSource, PixelArray } from '../../core/image/imageModel';
import { openImage } from '../../node/openImage';
import { readImageBox } from '../../core/image/readImageBox';
import type { Box } from '../../core/features/box';

/** Payload of `image/readPlane`. */
export interface ReadPlanePayload {
  path: string;
  t: number;
  z: number;
  c: number;
  memoryLimitBytes?: number;
}

/** Result of `image/readPlane`: the plane's samples (transferred) and their type. */
export interface ReadPlaneResult {
  dtype: DType;
  data: ArrayBuffer;
}

const MAX_OPEN = 4;
/** Opened images of this worker, least recently used first. */
const open = new Map<string, Promise<ImageSource>>();

function source(path: string, memoryLimitBytes?: number): Promise<ImageSource> {
  const key = `${path}\u0000${memoryLimitBytes ?? ''}`;
  let p = open.get(key);
  if (p) {
    open.delete(key);
  } else {
    p = openImage(path, { memoryLimitBytes });
    // A failed open must not be cached: the file may be fixed and reopened.
    p.catch(() => open.delete(key));
  }
  open.set(key, p);
  while (open.size > MAX_OPEN) {
    const [oldKey, old] = open.entries().next().value as [string, Promise<ImageSource>];
    open.delete(oldKey);
    old.then((s) => s.close()).catch(() => undefined);
  }
  return p;
}

function exact(a: PixelArray): ArrayBuffer {
  if (a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) return a.buffer;
  const out = new Uint8Array(a.byteLength);
  out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return out.buffer;
}

/** `image/readPlane`: decodes plane (t, z, c) of the file at `path`; the samples are transferred back. */
async function readPlane(payload: ReadPlanePayload): Promise<JobOutputOf<ReadPlaneResult>> {
  const image = await source(payload.path, payload.memoryLimitBytes);
  const plane = await image.readPlane(payload.t, payload.z, payload.c);
  const data = exact(plane);
  return { result: { dtype: image.info.dtype, data }, transfer: [data] };
}

/** Payload of `image/readBox`: a 3D box of one (t, c) at a resolution level (issue #13: tiles of big images). */
export interface ReadBoxPayload {
  path: string;
  level: number;
  t: number;
  c: number;
  box: Box;
  memoryLimitBytes?: number;
}

/** `image/readBox`: decodes a box, layout [z][y][x]; the samples are transferred back. */
async function readBox(payload: ReadBoxPayload): Promise<JobOutputOf<ReadPlaneResult>> {
  const image = await source(payload.path, payload.memoryLimitBytes);
  const data = exact(await readImageBox(image, payload.level, payload.t, payload.c, payload.box));
  return { result: { dtype: image.info.dtype, data }, transfer: [data] };
}

/** Image job handlers by type. */
export const IMAGE_JOBS = {
  'image/readPlane': readPlane,
  'image/readBox': readBox,
};
