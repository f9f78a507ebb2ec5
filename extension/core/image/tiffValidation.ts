/**
 * Sanity limits of the TIFF reader: what page 0 declares must be a format we decode, fit the memory limit,
 * and be plausible for the bytes the file holds — a few corrupt bytes must give a clear error, never an
 * allocation of gigabytes or a read past the end of the file.
 */
import type { DType } from './imageModel';
import type { TiffAxisLayout } from './tiffAxes';
import { dtypeFor, TIFF_COMPRESSIONS, UNSUPPORTED_COMPRESSIONS, type TiffPage } from './tiffTags';

/** Problems go here; it throws an ImageError naming the file. */
type Fail = (reason: string) => never;

/** Checks page 0 (format, predictor, sizes of stripped planes against `memoryLimit`) and returns the output sample type. */
export function checkFirstPage(page0: TiffPage, memoryLimit: number, fail: Fail): DType {
  const { width, height, samplesPerPixel: spp, bitsPerSample: bits, sampleFormat, compression } = page0;
  if (width <= 0 || height <= 0) fail(`image has zero size (${width}×${height})`);
  if (width > 2 ** 31 || height > 2 ** 31) fail(`absurd image size ${width}×${height}`);
  if (spp < 1 || spp > 256) fail(`absurd samples per pixel (${spp})`);
  const dtype = dtypeFor(bits, sampleFormat);
  if (!dtype) fail(`unsupported sample format: ${bits}-bit ${['', 'unsigned', 'signed', 'float', 'void', 'complex int', 'complex float'][sampleFormat] ?? `format ${sampleFormat}`} samples`);
  if (!TIFF_COMPRESSIONS[compression]) {
    fail(`unsupported compression ${UNSUPPORTED_COMPRESSIONS[compression] ? `${UNSUPPORTED_COMPRESSIONS[compression]} (${compression})` : compression}`);
  }
  if (page0.photometric === 6 && compression !== 7) fail('unsupported YCbCr photometric interpretation without JPEG compression');
  if (compression === 7 && bits !== 8) fail(`unsupported ${bits}-bit JPEG`);
  if (page0.predictor === 3 && sampleFormat !== 3) fail('floating-point predictor on integer samples');
  if (page0.predictor === 2 && bits < 8) fail(`horizontal predictor with ${bits}-bit samples is not supported`);
  if (page0.predictor !== 1 && page0.predictor !== 2 && page0.predictor !== 3) fail(`unknown predictor ${page0.predictor}`);
  if (page0.tiled && (page0.blockWidth <= 0 || page0.blockHeight <= 0)) fail(`invalid tile size ${page0.blockWidth}×${page0.blockHeight}`);
  // Tiled files are read box by box (readBox, readRegion): the limit then applies to each read, not to a
  // whole plane nobody may ask for. Stripped files keep the whole-plane check.
  const planeFloatBytes = width * height * 4;
  if (!page0.tiled && planeFloatBytes > memoryLimit) {
    fail(`one ${width}×${height} plane needs ${(planeFloatBytes / 2 ** 20).toFixed(0)} MiB as float32, over the memory limit of ${(memoryLimit / 2 ** 20).toFixed(0)} MiB`);
  }
  // Largest decoded block must fit too (a corrupt tile size could ask for gigabytes).
  const blockBytes = page0.blockWidth * page0.blockHeight * spp * Math.max(1, bits / 8);
  if (blockBytes > memoryLimit || blockBytes > 2 ** 31) fail(`absurd ${page0.tiled ? 'tile' : 'strip'} size ${page0.blockWidth}×${page0.blockHeight}`);
  return dtype as DType;
}

/**
 * Bytes per plane of a truncated ImageJ file (its description declares more planes than the file has
 * pages, and they lie contiguously after page 0), 0 when every plane has its page.
 */
export function virtualPlaneBytes(page0: TiffPage, layout: TiffAxisLayout, pageCount: number, fileSize: number, fail: Fail): number {
  const { width, height, samplesPerPixel: spp, bitsPerSample: bits } = page0;
  if (layout.pagesNeeded <= pageCount) return 0;
  const blocks = page0.offsets.length;
  let contiguous = page0.compression === 1;
  let total = 0;
  for (let i = 0; i < blocks && contiguous; i++) {
    if (i > 0 && page0.offsets[i] !== page0.offsets[i - 1] + page0.counts[i - 1]) contiguous = false;
    total += page0.counts[i];
  }
  const expected = Math.ceil(width * spp * bits / 8) * height;
  if (layout.kind !== 'imagej' || !contiguous || total !== expected) {
    fail(`the ${layout.kind === 'ome' ? 'OME-XML' : 'ImageJ description'} declares ${layout.pagesNeeded} planes but the file has only ${pageCount} pages`);
  }
  const end = page0.offsets[0] + layout.pagesNeeded * expected;
  if (end > fileSize) fail(`truncated: ${layout.pagesNeeded} contiguous planes need ${end} bytes but the file has ${fileSize}`);
  return expected;
}

/** Checks that page `index` lists every block it needs and that each lies inside the file. */
export function checkBlocks(page: TiffPage, index: number, fileSize: number, fail: Fail): void {
  const perSample = Math.ceil(page.width / page.blockWidth) * Math.ceil(page.height / page.blockHeight);
  const needed = perSample * (page.planar === 2 ? page.samplesPerPixel : 1);
  if (page.offsets.length < needed || page.counts.length < needed) {
    fail(`page ${index} lists ${page.offsets.length} ${page.tiled ? 'tiles' : 'strips'} but needs ${needed}`);
  }
  for (let i = 0; i < needed; i++) {
    const end = Number(page.offsets[i]) + Number(page.counts[i]);
    if (end > fileSize) fail(`truncated: page ${index} ${page.tiled ? 'tile' : 'strip'} ${i} ends at byte ${end} but the file has ${fileSize} bytes`);
  }
}

/**
 * A few bytes must not make us allocate gigabytes: the stored bytes of page 0 must be able to hold its
 * declared size (uncompressed), or plausibly expand to it (no codec exceeds ~1:1000; 4096 leaves room, and
 * small planes are not checked).
 */
export function checkStoredBytes(page0: TiffPage, fail: Fail): void {
  const { width, height, samplesPerPixel: spp, bitsPerSample: bits, compression } = page0;
  let stored = 0;
  for (let i = 0; i < page0.counts.length; i++) stored += Number(page0.counts[i]);
  const declared = Math.ceil(width * spp * bits / 8) * height;
  if (compression === 1 && page0.counts.length === Math.ceil(height / page0.blockHeight) * (page0.planar === 2 ? spp : 1) && !page0.tiled && stored < declared) {
    fail(`truncated or corrupt: page 0 declares ${declared} bytes of pixels but its strips hold only ${stored}`);
  }
  if (declared > 64 * 2 ** 20 && stored * 4096 < declared) {
    fail(`absurd size: page 0 declares ${width}×${height} (${(declared / 2 ** 20).toFixed(0)} MiB) but stores only ${stored} bytes`);
  }
}
