/**
 * Streams a tiled uint16 BigTIFF for the big-image benchmark: tiles are written as they are generated (one tile in
 * memory), the IFDs last. With `levels > 1` it is a pyramidal OME-TIFF: OME-XML in page 0 and the lower levels
 * (each half the size) in SubIFDs (tag 330) with NewSubfileType 1, as OME-TIFF 6 and tifffile write them.
 */
import { promises as fs } from 'node:fs';
import { intensityBlock } from './syntheticPixels';

/** Options of {@link writeTiledTiff}. */
export interface TiledTiffOptions {
  width: number;
  height: number;
  tile: number;
  /** Resolution levels (1 = no pyramid). */
  levels: number;
  /** Writes OME-XML with this pixel size (µm). */
  omePixelSize?: number;
}

interface Entry { tag: number; type: number; values: number[] | Uint8Array }

const TYPE_SIZE: Record<number, number> = { 2: 1, 3: 2, 4: 4, 16: 8, 18: 8 };

/** Bytes of a BigTIFF IFD at `offset` with its out-of-line values right after it; `next` is the next IFD. */
function ifdBytes(entries: Entry[], offset: number, next: number): Uint8Array {
  entries.sort((a, b) => a.tag - b.tag);
  const head = 8 + entries.length * 20 + 8;
  const extra: Uint8Array[] = [];
  let extraOffset = offset + head;
  const out = new DataView(new ArrayBuffer(head));
  out.setBigUint64(0, BigInt(entries.length), true);
  entries.forEach((e, i) => {
    const p = 8 + i * 20;
    const count = e.values.length;
    const size = TYPE_SIZE[e.type] * count;
    out.setUint16(p, e.tag, true);
    out.setUint16(p + 2, e.type, true);
    out.setBigUint64(p + 4, BigInt(count), true);
    const value = new DataView(new ArrayBuffer(Math.max(8, size)));
    for (let k = 0; k < count; k++) {
      const v = (e.values as ArrayLike<number>)[k];
      if (e.type === 2) value.setUint8(k, v);
      else if (e.type === 3) value.setUint16(2 * k, v, true);
      else if (e.type === 4) value.setUint32(4 * k, v, true);
      else value.setBigUint64(8 * k, BigInt(v), true);
    }
    const bytes = new Uint8Array(value.buffer);
    if (size <= 8) new Uint8Array(out.buffer).set(bytes.subarray(0, 8), p + 12);
    else {
      out.setBigUint64(p + 12, BigInt(extraOffset), true);
      const padded = bytes.subarray(0, size + (size % 2));
      extra.push(padded);
      extraOffset += padded.length;
    }
  });
  out.setBigUint64(head - 8, BigInt(next), true);
  const total = new Uint8Array(extraOffset - offset);
  total.set(new Uint8Array(out.buffer), 0);
  let at = head;
  for (const e of extra) { total.set(e, at); at += e.length; }
  return total;
}

/** Writes the file; returns its size in bytes. */
export async function writeTiledTiff(file: string, options: TiledTiffOptions): Promise<number> {
  const handle = await fs.open(file, 'w');
  try {
    let position = 16;
    const levels: { width: number; height: number; offsets: number[]; counts: number[] }[] = [];
    for (let level = 0; level < options.levels; level++) {
      const step = 2 ** level;
      const width = Math.ceil(options.width / step);
      const height = Math.ceil(options.height / step);
      const offsets: number[] = [];
      const counts: number[] = [];
      const t = options.tile;
      for (let ty = 0; ty < Math.ceil(height / t); ty++) {
        for (let tx = 0; tx < Math.ceil(width / t); tx++) {
          // Tiles are full size; pixels past the edge are 0.
          const tileData = new Uint16Array(t * t);
          const ny = Math.min(t, height - ty * t);
          const nx = Math.min(t, width - tx * t);
          const block = intensityBlock(0, ty * t, tx * t, ny, nx, step);
          for (let y = 0; y < ny; y++) tileData.set(block.subarray(y * nx, (y + 1) * nx), y * t);
          const bytes = new Uint8Array(tileData.buffer);
          await handle.write(bytes, 0, bytes.length, position);
          offsets.push(position);
          counts.push(bytes.length);
          position += bytes.length;
        }
      }
      levels.push({ width, height, offsets, counts });
    }
    const common = (l: typeof levels[number]): Entry[] => [
      { tag: 256, type: 4, values: [l.width] }, { tag: 257, type: 4, values: [l.height] }, { tag: 258, type: 3, values: [16] },
      { tag: 259, type: 3, values: [1] }, { tag: 262, type: 3, values: [1] }, { tag: 277, type: 3, values: [1] }, { tag: 284, type: 3, values: [1] },
      { tag: 322, type: 4, values: [options.tile] }, { tag: 323, type: 4, values: [options.tile] },
      { tag: 324, type: 16, values: l.offsets }, { tag: 325, type: 16, values: l.counts }, { tag: 339, type: 3, values: [1] },
    ];
    // Lower levels' IFDs first (their offsets go into page 0's SubIFDs), then page 0.
    const subOffsets: number[] = [];
    for (let level = 1; level < levels.length; level++) {
      subOffsets.push(position);
      const bytes = ifdBytes([...common(levels[level]), { tag: 254, type: 4, values: [1] }], position, 0);
      await handle.write(bytes, 0, bytes.length, position);
      position += bytes.length + (bytes.length % 2);
    }
    const entries = common(levels[0]);
    if (subOffsets.length > 0) entries.push({ tag: 330, type: 18, values: subOffsets });
    if (options.omePixelSize !== undefined) {
      const xml = `<?xml version="1.0" encoding="UTF-8"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06"><Image ID="Image:0"><Pixels ID="Pixels:0" DimensionOrder="XYCZT" Type="uint16" SizeX="${options.width}" SizeY="${options.height}" SizeC="1" SizeZ="1" SizeT="1" PhysicalSizeX="${options.omePixelSize}" PhysicalSizeY="${options.omePixelSize}"><Channel ID="Channel:0:0" SamplesPerPixel="1"/><TiffData IFD="0" PlaneCount="1"/></Pixels></Image></OME>\0`;
      entries.push({ tag: 270, type: 2, values: new TextEncoder().encode(xml) });
    }
    const first = position;
    const bytes = ifdBytes(entries, first, 0);
    await handle.write(bytes, 0, bytes.length, first);
    const header = new DataView(new ArrayBuffer(16));
    header.setUint16(0, 0x4949, false);
    header.setUint16(2, 43, true);
    header.setUint16(4, 8, true);
    header.setBigUint64(8, BigInt(first), true);
    await handle.write(new Uint8Array(header.buffer), 0, 16, 0);
    return first + bytes.length;
  } finally {
    await handle.close();
  }
}
