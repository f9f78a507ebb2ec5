/**
 * Reading a region of one plane of a TIFF: finds the strips/tiles the region touches, coalesces nearby
 * ones into few large reads, decodes them (keeping recently decoded blocks of chunky multi-sample pages,
 * so reading channels 1 and 2 after channel 0 does not decode the page three times) and copies the
 * region's samples out.
 */
import type { ByteSource } from './byteSource';
import { BYTES_PER_SAMPLE, ImageError, type DType, type ImageShape, type PixelArray, type PlaneRegion } from './imageModel';
import { allocatePixels, pixelBytes, viewPixels } from './pixelArrays';
import type { TiffAxisLayout } from './tiffAxes';
import type { BlockDecoder } from './tiffBlockDecoder';
import { plainTiffReason } from './tiffErrors';
import type { TiffPage } from './tiffTags';

/** What a region reader needs to know about the file. */
export interface RegionReaderContext {
  source: ByteSource;
  shape: ImageShape;
  dtype: DType;
  layout: TiffAxisLayout;
  getPage(pageIndex: number): Promise<TiffPage>;
  decodeBlock: BlockDecoder;
  /** Budget of the decoded-block cache is a quarter of this (at most 256 MiB). */
  memoryLimit: number;
  /** Throws an ImageError naming the file. */
  fail(reason: string): never;
}

/** Reads regions of planes: `(t, z, c, region)` → samples of the output dtype, row-major. */
export function createRegionReader(context: RegionReaderContext): (t: number, z: number, c: number, box: PlaneRegion) => Promise<PixelArray> {
  const { source, shape, dtype: dt, layout, getPage, decodeBlock, fail } = context;
  const { x: width, y: height } = shape;
  const outBytesPerSample = BYTES_PER_SAMPLE[dt];
  const chunkyCache = new BlockCache(Math.min(256 * 2 ** 20, context.memoryLimit / 4));
  return async (t: number, z: number, c: number, box: PlaneRegion): Promise<PixelArray> => {
    if (!(t >= 0 && t < shape.t && z >= 0 && z < shape.z && c >= 0 && c < shape.c) || ![t, z, c].every(Number.isInteger)) {
      fail(`plane (t=${t}, z=${z}, c=${c}) is outside the image (${shape.t}×${shape.z}×${shape.c})`);
    }
    const { y0, y1, x0, x1 } = box;
    if (![y0, y1, x0, x1].every(Number.isInteger) || y0 < 0 || x0 < 0 || y1 > height || x1 > width || y1 <= y0 || x1 <= x0) {
      fail(`region rows ${y0}..${y1}, columns ${x0}..${x1} is empty or outside the ${width}×${height} plane`);
    }
    const readBytes = (y1 - y0) * (x1 - x0) * 4;
    if (readBytes > context.memoryLimit) {
      fail(`a read of ${x1 - x0}×${y1 - y0} pixels needs ${(readBytes / 2 ** 20).toFixed(0)} MiB as float32, over the memory limit of ${(context.memoryLimit / 2 ** 20).toFixed(0)} MiB; read it in smaller boxes`);
    }
    const { page: pageIndex, sample } = layout.locate(t, z, c);
    if (pageIndex < 0) fail(`plane (t=${t}, z=${z}, c=${c}) is not stored in this file`);
    const page = await getPage(pageIndex);
    const outWidth = x1 - x0;
    const out = allocatePixels(dt, outWidth * (y1 - y0));
    const outBytes = pixelBytes(out);
    const samplesInBlock = page.planar === 2 ? 1 : page.samplesPerPixel;
    const sampleInBlock = page.planar === 2 ? 0 : sample;
    const across = Math.ceil(width / page.blockWidth);
    const down = Math.ceil(height / page.blockHeight);
    const base = page.planar === 2 ? sample * across * down : 0;
    const blocks: { index: number; row: number; col: number; offset: number; count: number }[] = [];
    for (let r = Math.floor(y0 / page.blockHeight); r <= Math.floor((y1 - 1) / page.blockHeight); r++) {
      for (let col = Math.floor(x0 / page.blockWidth); col <= Math.floor((x1 - 1) / page.blockWidth); col++) {
        const index = base + r * across + col;
        blocks.push({ index, row: r, col, offset: Number(page.offsets[index]), count: Number(page.counts[index]) });
      }
    }
    // Coalesce nearby blocks into few large reads.
    const sorted = blocks.filter((b) => b.count > 0).sort((a, b) => a.offset - b.offset);
    const batches: { start: number; end: number; blocks: typeof blocks }[] = [];
    for (const b of sorted) {
      const last = batches[batches.length - 1];
      if (last && b.offset >= last.start && b.offset - last.end <= 65536 && b.offset + b.count - last.start <= 32 * 2 ** 20) {
        last.end = Math.max(last.end, b.offset + b.count);
        last.blocks.push(b);
      } else {
        batches.push({ start: b.offset, end: b.offset + b.count, blocks: [b] });
      }
    }
    for (const batch of batches) {
      const cachedBatch = samplesInBlock > 1 && batch.blocks.every((b) => chunkyCache.has(`${pageIndex}:${b.index}`));
      const bytes = cachedBatch ? new Uint8Array(0) : await source.read(batch.start, batch.end - batch.start);
      if (!cachedBatch && bytes.length < batch.end - batch.start) fail(`truncated: data at bytes ${batch.start}..${batch.end} is missing (file has ${source.size} bytes)`);
      for (const b of batch.blocks) {
        const blockTop = b.row * page.blockHeight;
        const blockLeft = b.col * page.blockWidth;
        const rows = page.tiled ? page.blockHeight : Math.min(page.blockHeight, height - blockTop);
        let decoded: Uint8Array;
        try {
          const key = `${pageIndex}:${b.index}`;
          const hit = samplesInBlock > 1 ? chunkyCache.get(key) : undefined;
          if (hit) {
            decoded = hit;
          } else {
            // (a block evicted by a concurrent read since the batch check is read on its own)
            const raw = cachedBatch ? await source.read(b.offset, b.count) : bytes.subarray(b.offset - batch.start, b.offset - batch.start + b.count);
            decoded = await decodeBlock(raw, page, rows);
            if (samplesInBlock > 1) chunkyCache.set(key, decoded);
          }
        } catch (error) {
          if (error instanceof ImageError) throw error;
          const message = error instanceof Error ? error.message : String(error);
          fail(`cannot decode ${page.tiled ? 'tile' : 'strip'} ${b.index} of page ${pageIndex}: ${plainTiffReason(message) ?? message}`);
          throw error;
        }
        const rowStart = Math.max(y0, blockTop);
        const rowEnd = Math.min(y1, blockTop + rows);
        const colStart = Math.max(x0, blockLeft);
        const colEnd = Math.min(x1, blockLeft + page.blockWidth);
        const rowSamples = page.blockWidth * samplesInBlock;
        if (samplesInBlock === 1) {
          const n = (colEnd - colStart) * outBytesPerSample;
          for (let y = rowStart; y < rowEnd; y++) {
            const src = ((y - blockTop) * rowSamples + (colStart - blockLeft)) * outBytesPerSample;
            outBytes.set(decoded.subarray(src, src + n), ((y - y0) * outWidth + (colStart - x0)) * outBytesPerSample);
          }
        } else {
          const view = viewPixels(dt, decoded.byteOffset % outBytesPerSample === 0 ? decoded : decoded.slice());
          for (let y = rowStart; y < rowEnd; y++) {
            let src = (y - blockTop) * rowSamples + (colStart - blockLeft) * samplesInBlock + sampleInBlock;
            let dst = (y - y0) * outWidth + (colStart - x0);
            for (let x = colStart; x < colEnd; x++, src += samplesInBlock) out[dst++] = view[src];
          }
        }
      }
    }
    return out;
  };
}

/** LRU of decoded blocks, bounded by total bytes. */
class BlockCache {
  private readonly map = new Map<string, Uint8Array>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  has(key: string): boolean {
    return this.map.has(key);
  }

  get(key: string): Uint8Array | undefined {
    const hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: Uint8Array): void {
    if (value.length > this.maxBytes) return;
    this.map.set(key, value);
    this.bytes += value.length;
    while (this.bytes > this.maxBytes) {
      const [oldKey, old] = this.map.entries().next().value as [string, Uint8Array];
      this.map.delete(oldKey);
      this.bytes -= old.length;
    }
  }
}

