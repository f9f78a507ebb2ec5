/** What a TIFF says about itself besides pixels: ImageJ slice labels and the metadata shown by `info`. */
import type { TiffAxisLayout } from './tiffAxes';
import { first, rational, TAG, type Ifd, type TiffPage } from './tiffTags';

/** Decodes ImageJ's IJMetadata tag pair and returns the slice labels ("labl"), if any. */
export function parseImageJLabels(counts: ArrayLike<number> | undefined, data: Uint8Array | undefined, littleEndian: boolean): string[] | undefined {
  if (!counts || !data || counts.length < 2 || data.length < 4) return undefined;
  const v = new DataView(data.buffer, data.byteOffset, data.length);
  if (v.getUint32(0, littleEndian) !== 0x494a494a) return undefined;
  const headerLength = counts[0];
  const types: { type: number; count: number }[] = [];
  for (let p = 4; p + 8 <= headerLength; p += 8) types.push({ type: v.getUint32(p, littleEndian), count: v.getUint32(p + 4, littleEndian) });
  let pos = headerLength;
  let index = 1;
  const decoder = new TextDecoder(littleEndian ? 'utf-16le' : 'utf-16be');
  for (const { type, count } of types) {
    if (type === 0x6c61626c) {
      const labels: string[] = [];
      for (let k = 0; k < count && index < counts.length; k++, index++) {
        labels.push(decoder.decode(data.subarray(pos, pos + counts[index])));
        pos += counts[index];
      }
      return labels;
    }
    for (let k = 0; k < count && index < counts.length; k++, index++) pos += counts[index];
  }
  return undefined;
}

/** Text tags of page 0 (trailing NULs removed) and the ImageJ slice labels, if any. */
export async function readDescriptiveTags(ifd0: Ifd, littleEndian: boolean): Promise<{ description: string; software: string; labels?: string[] }> {
  const description = String(await ifd0.loadValue(TAG.ImageDescription as never).catch(() => '') ?? '').replace(/\0+$/, '');
  const software = String(await ifd0.loadValue(TAG.Software as never).catch(() => '') ?? '').replace(/\0+$/, '');
  let labels: string[] | undefined;
  try {
    labels = parseImageJLabels(
      await ifd0.loadValue(TAG.IJMetadataByteCounts as never) as ArrayLike<number> | undefined,
      await ifd0.loadValue(TAG.IJMetadata as never) as Uint8Array | undefined, littleEndian);
  } catch {
    labels = undefined; // labels are optional decoration; a damaged block must not stop reading pixels
  }
  return { description, software, labels };
}

/** The metadata `info` shows for a TIFF (byte order, layout, axes source, resolution, …). */
export async function tiffMetadata(
  ifd0: Ifd, page0: TiffPage,
  file: { littleEndian: boolean; bigTiff: boolean; ifdCount: number; description: string; software: string; truncatedImageJ: boolean },
  layout: TiffAxisLayout,
): Promise<Record<string, unknown>> {
  const { littleEndian, bigTiff, description, software } = file;
  const metadata: Record<string, unknown> = {
    byteOrder: littleEndian ? 'little-endian' : 'big-endian',
    bigTiff,
    ifds: file.ifdCount,
    planar: page0.planar === 2 ? 'separate' : 'chunky',
    samplesPerPixel: page0.samplesPerPixel,
    bitsPerSample: page0.bitsPerSample,
    sampleFormat: ['', 'uint', 'int', 'float'][page0.sampleFormat] ?? page0.sampleFormat,
    photometric: page0.photometric,
    predictor: page0.predictor,
    layout: page0.tiled ? `tiles ${page0.blockWidth}×${page0.blockHeight}` : `strips of ${page0.blockHeight} rows`,
    axesFrom: layout.kind,
    ...layout.metadata,
  };
  if (software) metadata.software = software;
  if (description && layout.kind === 'pages') metadata.description = description.length > 2000 ? `${description.slice(0, 2000)}…` : description;
  if (layout.channelNames) metadata.channelNames = layout.channelNames;
  if (file.truncatedImageJ) metadata.truncatedImageJ = true;
  const xres = rational(await ifd0.loadValue(TAG.XResolution as never).catch(() => undefined));
  const yres = rational(await ifd0.loadValue(TAG.YResolution as never).catch(() => undefined));
  if (xres) metadata.xResolution = xres;
  if (yres) metadata.yResolution = yres;
  const resUnit = first(await ifd0.loadValue(TAG.ResolutionUnit as never).catch(() => undefined), 0);
  if (resUnit) metadata.resolutionUnit = ['', 'none', 'inch', 'centimeter'][resUnit] ?? resUnit;
  return metadata;
}
