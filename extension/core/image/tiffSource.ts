/**
 * TIFF reading: geotiff 3.0.5 parses the IFDs (behind the workarounds of
 * shared/reference/image-io.md); strips and tiles are read and decoded here, so a plane or a
 * region reads only the blocks it touches and decodes them at memory speed.
 *
 * This file ties the parts together: tiffIfdWalk.ts (the IFD chain), tiffTags.ts (page fields),
 * tiffValidation.ts (sanity limits), tiffAxes.ts (which page holds which plane), tiffBlockDecoder.ts
 * (codecs and predictors), tiffRegionReader.ts (blocks → region), tiffMetadata.ts (what `info` shows),
 * tiffLevels.ts (pyramids: OME SubIFDs or reduced-resolution pages). `readBox` reads any level box by box.
 */
import { GeoTIFF } from 'geotiff';
import { CachedByteSource, type ByteSource } from './byteSource';
import { DEFAULT_MEMORY_LIMIT_BYTES, ImageError, type ImageInfo, type ImageOpenOptions, type ImageSource, type PlaneRegion } from './imageModel';
import { allocatePixels, toFloat32 } from './pixelArrays';
import { openTiffLevels } from './tiffLevels';
import { layoutTiffAxes, type TiffAxisLayout } from './tiffAxes';
import { createBlockDecoder, type ImageCodecs } from './tiffBlockDecoder';
import { plainTiffReason } from './tiffErrors';
import { walkTiffIfds, type TiffStructure } from './tiffIfdWalk';
import { readDescriptiveTags, tiffMetadata } from './tiffMetadata';
import { createRegionReader } from './tiffRegionReader';
import { loadTiffPage, TAG, TIFF_COMPRESSIONS, type Ifd, type TiffPage } from './tiffTags';
import { checkBlocks, checkFirstPage, checkStoredBytes, virtualPlaneBytes } from './tiffValidation';

export type { ImageCodecs } from './tiffBlockDecoder';
export { plainTiffReason } from './tiffErrors';
export { parseImageJLabels } from './tiffMetadata';
export { TIFF_COMPRESSIONS } from './tiffTags';

/**
 * Opens a TIFF from a byte source: validates the structure, works out the axes and returns a lazy
 * {@link ImageSource}. Every failure is an {@link ImageError} naming `name`.
 */
export async function openTiff(source: ByteSource, name: string, options: ImageOpenOptions = {}, codecs: ImageCodecs = {}): Promise<ImageSource> {
  const fail = (reason: string): never => { throw new ImageError(name, reason); };
  const wrap = (prefix: string) => (error: unknown): never => {
    if (error instanceof ImageError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ImageError(name, plainTiffReason(message) ?? `${prefix}${message}`);
  };
  const cached = new CachedByteSource(source);
  const structure: TiffStructure = await walkTiffIfds(cached).catch(wrap('truncated or corrupt TIFF: '));
  const { littleEndian, bigTiff, ifds } = structure;

  // geotiff sees the file through our cached source; reads past the end come back short, and the
  // DataView errors that follow become ImageErrors.
  const geoSource = {
    fileSize: source.size,
    async fetch(slices: { offset: number; length: number }[]) {
      return Promise.all(slices.map(async ({ offset, length }) => {
        const bytes = await cached.read(offset, length);
        return bytes.slice().buffer;
      }));
    },
    async fetchSlice(slice: { offset: number; length: number }) {
      const [data] = await this.fetch([slice]);
      return { ...slice, data };
    },
    async close() { /* the caller closes `source` */ },
  };
  const tiff = await GeoTIFF.fromSource(geoSource as never).catch(wrap('corrupt TIFF: '));
  // Workaround 1 (image-io.md): deferred tag arrays are read little-endian; parse eagerly instead.
  if (!littleEndian) tiff.parser.eager = true;

  const parseIfd = (index: number): Promise<Ifd> => tiff.parser.parseFileDirectoryAt(ifds[index].offset);

  // Page 0 tells the sample type, the size and the metadata.
  const ifd0 = await parseIfd(0).catch(wrap('corrupt TIFF: '));
  const page0 = await loadTiffPage(ifd0, 0, fail).catch(wrap('corrupt TIFF: '));
  const { description, software, labels } = await readDescriptiveTags(ifd0, littleEndian);
  const { width, height, samplesPerPixel: spp, bitsPerSample: bits, sampleFormat, compression } = page0;
  const memoryLimit = options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT_BYTES;
  const dtype = checkFirstPage(page0, memoryLimit, fail);

  // Reduced-resolution pages (NewSubfileType bit 0: thumbnails, pyramid levels in the main chain) are not
  // planes; the ones following a plane's page are its lower resolutions.
  const pageIfds: number[] = [];
  const reducedAfter: number[][] = [];
  for (let i = 0; i < ifds.length; i++) {
    if (i === 0 || ((ifds[i].scalars.get(TAG.NewSubfileType) ?? 0) & 1) === 0) {
      pageIfds.push(i);
      reducedAfter.push([]);
    } else reducedAfter[reducedAfter.length - 1].push(i);
  }
  const layout: TiffAxisLayout = layoutTiffAxes(pageIfds.length, spp, description, labels);

  // Truncated ImageJ files (images= beyond the IFD count) keep the planes contiguously after page 0.
  const virtualBytes = virtualPlaneBytes(page0, layout, pageIfds.length, source.size, fail);
  checkBlocks(page0, 0, source.size, fail);
  checkStoredBytes(page0, fail);

  const pageCache = new Map<number, Promise<TiffPage>>();
  pageCache.set(0, Promise.resolve(page0));
  const getPage = (pageIndex: number): Promise<TiffPage> => {
    let hit = pageCache.get(pageIndex);
    if (!hit) {
      if (pageCache.size > 1024) {
        for (const key of [...pageCache.keys()].slice(1, 513)) pageCache.delete(key);
      }
      hit = (async () => {
        if (pageIndex >= pageIfds.length) {
          // virtual page of a truncated ImageJ file
          const shift = pageIndex * virtualBytes;
          return { ...page0, offsets: Array.from(page0.offsets, (o) => Number(o) + shift) };
        }
        const ifdIndex = pageIfds[pageIndex];
        const page = await loadTiffPage(await parseIfd(ifdIndex), ifdIndex, fail);
        if (page.width !== width || page.height !== height || page.samplesPerPixel !== spp || page.bitsPerSample !== bits || page.sampleFormat !== sampleFormat) {
          fail(`page ${ifdIndex} is ${page.width}×${page.height}×${page.samplesPerPixel} ${page.bitsPerSample}-bit, unlike page 0 (${width}×${height}×${spp} ${bits}-bit)`);
        }
        if (!TIFF_COMPRESSIONS[page.compression]) fail(`page ${ifdIndex} uses unsupported compression ${page.compression}`);
        checkBlocks(page, ifdIndex, source.size, fail);
        return page;
      })().catch(wrap('corrupt TIFF: '));
      pageCache.set(pageIndex, hit);
    }
    return hit;
  };

  const shape = { t: layout.t, z: layout.z, c: layout.c, y: height, x: width };
  const readRegion = createRegionReader({
    source, shape, dtype, layout, getPage, memoryLimit, fail,
    decodeBlock: createBlockDecoder(littleEndian, codecs, page0.blockWidth * spp * 8),
  });
  const pyramid = virtualBytes > 0 ? undefined : await openTiffLevels({
    source: cached, tiffSize: source.size, littleEndian, bigTiff, ifds, pageIfds, reducedAfter, page0, fail,
    parseAt: (offset) => tiff.parser.parseFileDirectoryAt(offset),
  }).catch(wrap('corrupt TIFF pyramid: '));
  const levelReaders = (pyramid?.levels ?? []).map((level) => createRegionReader({
    source, shape: { ...shape, y: level.height, x: level.width }, dtype, layout, memoryLimit, fail,
    getPage: (pageIndex: number) => level.getPage(pageIndex).catch(wrap('corrupt TIFF: ')),
    decodeBlock: createBlockDecoder(littleEndian, codecs, level.blockWidth * spp * 8),
  }));
  const regionAt = (level: number) => (level === 0 ? readRegion : levelReaders[level - 1]);
  const metadata = await tiffMetadata(ifd0, page0, {
    littleEndian, bigTiff, ifdCount: ifds.length, description, software, truncatedImageJ: virtualBytes > 0,
  }, layout);
  const axes = `${shape.t > 1 ? 'T' : ''}${shape.z > 1 ? 'Z' : ''}${shape.c > 1 ? 'C' : ''}YX`;
  const info: ImageInfo = {
    name, format: 'tiff', shape, axes, dtype, pages: ifds.length,
    compression: TIFF_COMPRESSIONS[compression], metadata,
    chunkShape: { z: 1, y: Math.min(page0.blockHeight, height), x: Math.min(page0.blockWidth, width) },
  };
  if (pyramid && pyramid.levels.length > 0) {
    info.levels = [
      { shape, scale: { z: 1, y: 1, x: 1 } },
      ...pyramid.levels.map((level) => ({ shape: { ...shape, y: level.height, x: level.width }, scale: { z: 1, y: height / level.height, x: width / level.width } })),
    ];
    metadata.pyramid = pyramid.kind === 'subifds' ? 'SubIFDs' : 'reduced-resolution pages';
  }
  const full: PlaneRegion = { y0: 0, y1: height, x0: 0, x1: width };
  return {
    info,
    readPlane: (t, z, c) => readRegion(t, z, c, full),
    readPlaneFloat32: async (t, z, c, target) => toFloat32(await readRegion(t, z, c, full), target),
    readRegion,
    readRegionFloat32: async (t, z, c, box, target) => toFloat32(await readRegion(t, z, c, box), target),
    readBox: async (level, t, c, box) => {
      const reader = Number.isInteger(level) && level >= 0 ? regionAt(level) : undefined;
      if (!reader) fail(`resolution level ${level} does not exist (the image has ${levelReaders.length + 1})`);
      const { z0, y0, x0, nz, ny, nx } = box;
      const region = { y0, y1: y0 + ny, x0, x1: x0 + nx };
      if (nz === 1) return reader!(t, z0, c, region);
      const out = allocatePixels(dtype, nz * ny * nx);
      for (let dz = 0; dz < nz; dz++) out.set((await reader!(t, z0 + dz, c, region)) as never, dz * ny * nx);
      return out;
    },
    close: () => source.close(),
  };
}
