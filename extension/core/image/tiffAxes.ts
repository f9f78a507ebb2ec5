/**
 * Axes of a multi-page TIFF: which page (and which sample of it) holds plane (t, z, c).
 * Sources, in order of preference: OME-XML, the ImageJ ImageDescription, else plain pages = Z.
 * Samples per pixel (RGB, multi-sample) always become channels.
 */

/** How planes map onto pages. */
export interface TiffAxisLayout {
  kind: 'ome' | 'imagej' | 'pages';
  t: number;
  z: number;
  /** Channels in total: page-level channels × samples per pixel. */
  c: number;
  /** Number of pages the layout needs (may exceed the IFD count for truncated ImageJ files). */
  pagesNeeded: number;
  /** Page index and sample index within that page for plane (t, z, c). */
  locate(t: number, z: number, c: number): { page: number; sample: number };
  /** Channel names when the file has them (OME Channel Name, ImageJ Labels). */
  channelNames?: string[];
  metadata: Record<string, unknown>;
}

/** Parses `key=value` lines of an ImageJ description; null when it is not one. */
export function parseImageJDescription(description: string | undefined): Record<string, string | number | boolean> | null {
  if (!description || !/^ImageJ=/m.test(description)) return null;
  const out: Record<string, string | number | boolean> = {};
  for (const line of description.replace(/\0+$/, '').split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    const raw = line.slice(eq + 1).trim();
    if (raw === 'true' || raw === 'false') out[key] = raw === 'true';
    else if (raw !== '' && key !== 'ImageJ' && Number.isFinite(Number(raw))) out[key] = Number(raw);
    else out[key] = raw;
  }
  return out;
}

/** The fields of the first OME Image that matter for axes. */
export interface OmeInfo {
  dimensionOrder: string;
  sizeX: number;
  sizeY: number;
  sizeZ: number;
  sizeC: number;
  sizeT: number;
  type?: string;
  samplesPerPixel?: number;
  channelNames: string[];
  physicalSize: Record<string, number | string>;
  tiffData: { ifd: number; firstZ: number; firstC: number; firstT: number; planeCount?: number }[];
  imageCount: number;
}

function attributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([\w:]+)\s*=\s*"([^"]*)"/g)) out[m[1].replace(/^\w+:/, '')] = m[2];
  return out;
}

/** Parses OME-XML; null when the description is not OME-XML. */
export function parseOmeXml(description: string | undefined): OmeInfo | null {
  if (!description || !/<(\w+:)?OME[\s>]/.test(description)) return null;
  const images = [...description.matchAll(/<(?:\w+:)?Image[\s>][\s\S]*?<\/(?:\w+:)?Image>/g)];
  const image = images[0]?.[0] ?? description;
  const pixels = /<(?:\w+:)?Pixels\b([^>]*)>/.exec(image);
  if (!pixels) return null;
  const a = attributes(pixels[1]);
  const int = (v: string | undefined, d: number): number => {
    const n = Number(v);
    return Number.isInteger(n) && n > 0 ? n : d;
  };
  const channels = [...image.matchAll(/<(?:\w+:)?Channel\b([^>]*?)\/?>/g)].map((m) => attributes(m[1]));
  const physicalSize: Record<string, number | string> = {};
  for (const key of ['PhysicalSizeX', 'PhysicalSizeY', 'PhysicalSizeZ', 'PhysicalSizeXUnit', 'PhysicalSizeYUnit', 'PhysicalSizeZUnit', 'TimeIncrement']) {
    if (a[key] !== undefined) physicalSize[key] = Number.isFinite(Number(a[key])) ? Number(a[key]) : a[key];
  }
  const tiffData = [...image.matchAll(/<(?:\w+:)?TiffData\b([^>]*?)\/?>/g)].map((m) => {
    const t = attributes(m[1]);
    return {
      ifd: Number(t.IFD ?? 0) || 0,
      firstZ: Number(t.FirstZ ?? 0) || 0,
      firstC: Number(t.FirstC ?? 0) || 0,
      firstT: Number(t.FirstT ?? 0) || 0,
      planeCount: t.PlaneCount !== undefined ? Number(t.PlaneCount) : undefined,
    };
  });
  const spp = channels.length > 0 ? Number(channels[0].SamplesPerPixel) : NaN;
  return {
    dimensionOrder: /^XY[ZCT]{3}$/.test(a.DimensionOrder ?? '') ? a.DimensionOrder : 'XYCZT',
    sizeX: int(a.SizeX, 1), sizeY: int(a.SizeY, 1),
    sizeZ: int(a.SizeZ, 1), sizeC: int(a.SizeC, 1), sizeT: int(a.SizeT, 1),
    type: a.Type,
    samplesPerPixel: Number.isInteger(spp) && spp > 0 ? spp : undefined,
    channelNames: channels.map((ch) => ch.Name ?? ''),
    physicalSize,
    tiffData,
    imageCount: images.length,
  };
}

/** Linear index of (z, c, t) with the axes ordered fastest-first as in `order` (e.g. "CZT"). */
function linearIndex(order: string, size: { z: number; c: number; t: number }, at: { z: number; c: number; t: number }): number {
  let index = 0;
  let stride = 1;
  for (const axis of order) {
    const key = axis.toLowerCase() as 'z' | 'c' | 't';
    index += at[key] * stride;
    stride *= size[key];
  }
  return index;
}

/**
 * Works out the axes of a TIFF from its page count, samples per pixel and metadata.
 * @param pages full-resolution pages (IFDs) in the file
 * @param samplesPerPixel samples per pixel of page 0
 * @param description ImageDescription of page 0 (trailing NULs allowed)
 * @param labels ImageJ slice labels (IJMetadata "labl"), one per page, if any
 */
export function layoutTiffAxes(pages: number, samplesPerPixel: number, description: string | undefined, labels?: string[]): TiffAxisLayout {
  const spp = Math.max(1, samplesPerPixel);
  const ome = parseOmeXml(description);
  if (ome) {
    const omeSpp = ome.samplesPerPixel ?? spp;
    const sppUsed = ome.sizeC % omeSpp === 0 ? omeSpp : spp;
    const pageC = Math.max(1, Math.round(ome.sizeC / sppUsed));
    const size = { z: ome.sizeZ, c: pageC, t: ome.sizeT };
    const order = ome.dimensionOrder.slice(2);
    const planes = size.z * size.c * size.t;
    // Plane index (in DimensionOrder) → IFD, from TiffData blocks; default: plane i in IFD i.
    let planeToIfd: Int32Array | null = null;
    if (ome.tiffData.length > 0) {
      planeToIfd = new Int32Array(planes).fill(-1);
      for (const td of ome.tiffData) {
        const start = linearIndex(order, size, { z: td.firstZ, c: td.firstC, t: td.firstT });
        const count = td.planeCount ?? (ome.tiffData.length === 1 ? planes - start : 1);
        for (let k = 0; k < count && start + k < planes; k++) planeToIfd[start + k] = td.ifd + k;
      }
    }
    let needed = 0;
    for (let p = 0; p < planes; p++) needed = Math.max(needed, (planeToIfd ? planeToIfd[p] : p) + 1);
    const names = ome.channelNames.length === pageC * sppUsed || ome.channelNames.length === pageC ? ome.channelNames : undefined;
    return {
      kind: 'ome', t: size.t, z: size.z, c: pageC * sppUsed, pagesNeeded: needed,
      locate(t, z, c) {
        const plane = linearIndex(order, size, { z, c: Math.floor(c / sppUsed), t });
        return { page: planeToIfd ? planeToIfd[plane] : plane, sample: c % sppUsed };
      },
      channelNames: names && names.some((n) => n !== '') ? expandNames(names, pageC, sppUsed) : undefined,
      metadata: {
        ome: {
          DimensionOrder: ome.dimensionOrder, SizeX: ome.sizeX, SizeY: ome.sizeY, SizeZ: ome.sizeZ, SizeC: ome.sizeC,
          SizeT: ome.sizeT, Type: ome.type, SamplesPerPixel: sppUsed, images: ome.imageCount, ...ome.physicalSize,
        },
      },
    };
  }
  const ij = parseImageJDescription(description);
  if (ij) {
    const num = (key: string): number => {
      const v = ij[key];
      return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : 0;
    };
    let channels = num('channels') || 1;
    let slices = num('slices') || 1;
    let frames = num('frames') || 1;
    const images = num('images') || channels * slices * frames;
    if (channels * slices * frames !== images) {
      // Inconsistent description: ImageJ itself falls back to a plain stack.
      channels = 1;
      slices = images;
      frames = 1;
    }
    const size = { z: slices, c: channels, t: frames };
    const names = labels && labels.length >= channels ? labels.slice(0, channels) : undefined;
    return {
      kind: 'imagej', t: frames, z: slices, c: channels * spp, pagesNeeded: images,
      locate(t, z, c) {
        return { page: linearIndex('CZT', size, { z, c: Math.floor(c / spp), t }), sample: c % spp };
      },
      channelNames: names && names.some((n) => n !== '') ? expandNames(names, channels, spp) : undefined,
      metadata: { imagej: ij },
    };
  }
  return {
    kind: 'pages', t: 1, z: pages, c: spp, pagesNeeded: pages,
    locate(_t, z, c) {
      return { page: z, sample: c };
    },
    metadata: {},
  };
}

function expandNames(names: string[], pageChannels: number, spp: number): string[] {
  if (spp === 1 || names.length === pageChannels * spp) return names.slice(0, pageChannels * spp);
  const out: string[] = [];
  for (let c = 0; c < pageChannels; c++) for (let s = 0; s < spp; s++) out.push(`${names[c]}${spp > 1 ? ` [${s}]` : ''}`);
  return out;
}
