/**
 * Physical pixel sizes (issue #15): the size of one pixel along x, y (and the z step) with a unit, read from
 * what the file says — OME-XML `PhysicalSizeX/Y/Z` (+ units), the ImageJ description's `unit` and `spacing` with
 * the TIFF resolution tags, plain TIFF resolution tags (inch / centimetre), HDF5 axistags `resolution`, OME-Zarr axis
 * units with the `scale` coordinateTransformations (issue #13) — or set by
 * the user in the project (a wrong header is common). Sizes are returned in the unit named, micrometres when the
 * file gives a length unit we know.
 */
import type { ImageInfo } from './imageModel';

/** A pixel's physical size. */
export interface PixelSize {
  x: number;
  y: number;
  /** z step (stacks only). */
  z?: number;
  /** e.g. `µm`, `nm`, `mm` (what the sizes are in). */
  unit: string;
  /** Where it came from: `OME-XML`, `ImageJ`, `TIFF resolution`, `HDF5 axistags`, `OME-Zarr`, `project`. */
  source: string;
}

/** Length units we convert to micrometres (per unit). */
const MICRONS: Record<string, number> = {
  'pm': 1e-6, 'nm': 1e-3, 'µm': 1, 'um': 1, 'μm': 1, 'micron': 1, 'microns': 1, 'mm': 1e3, 'cm': 1e4, 'm': 1e6,
  'nanometer': 1e-3, 'micrometer': 1, 'millimeter': 1e3, 'centimeter': 1e4, 'inch': 25400, 'in': 25400,
  // OME-Zarr names units as UDUNITS-2 does
  'picometer': 1e-6, 'angstrom': 1e-4, 'meter': 1e6, 'decimeter': 1e5,
};

const positive = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);

/** Converts to micrometres when the unit is a known length; other units (e.g. `pixel`) are kept as given. */
export function inMicrons<T extends Omit<PixelSize, 'source'>>(size: T): T {
  const unit = size.unit.trim().replace(/\\u00B5/gi, 'µ');
  const factor = MICRONS[unit] ?? MICRONS[unit.toLowerCase()];
  if (factor === undefined) return { ...size, unit };
  return { ...size, x: size.x * factor, y: size.y * factor, ...(size.z !== undefined ? { z: size.z * factor } : {}), unit: 'µm' };
}

/** The pixel size the image's metadata states, if any. */
export function pixelSizeFromMetadata(info: Pick<ImageInfo, 'metadata' | 'format'>): PixelSize | undefined {
  const m = info.metadata ?? {};
  const ome = m.ome as Record<string, unknown> | undefined;
  if (ome && positive(ome.PhysicalSizeX)) {
    const x = positive(ome.PhysicalSizeX)!;
    const y = positive(ome.PhysicalSizeY) ?? x;
    const z = positive(ome.PhysicalSizeZ);
    const unit = typeof ome.PhysicalSizeXUnit === 'string' ? ome.PhysicalSizeXUnit : 'µm';
    return inMicrons({ x, y, ...(z ? { z } : {}), unit, source: 'OME-XML' });
  }
  const xres = resolution(m.xResolution);
  const yres = resolution(m.yResolution) ?? xres;
  const ij = m.imagej as Record<string, unknown> | undefined;
  if (ij && xres && yres) {
    const unit = typeof ij.unit === 'string' && ij.unit !== '' ? ij.unit : 'pixel';
    const z = positive(ij.spacing);
    if (unit !== 'pixel') return inMicrons({ x: 1 / xres, y: 1 / yres, ...(z ? { z } : {}), unit, source: 'ImageJ' });
  }
  if (xres && yres && (m.resolutionUnit === 'inch' || m.resolutionUnit === 'centimeter')) {
    return inMicrons({ x: 1 / xres, y: 1 / yres, unit: m.resolutionUnit as string, source: 'TIFF resolution' });
  }
  const r = m.resolution as Record<string, unknown> | undefined;
  if (info.format === 'hdf5' && r && positive(r.x)) {
    const x = positive(r.x)!;
    const z = positive(r.z);
    return { x, y: positive(r.y) ?? x, ...(z ? { z } : {}), unit: 'µm', source: 'HDF5 axistags' };
  }
  const zarr = m.pixelSize as Record<string, unknown> | undefined;
  if (info.format === 'zarr' && zarr && positive(zarr.x) && typeof zarr.unit === 'string') {
    const x = positive(zarr.x)!;
    const z = positive(zarr.z);
    return inMicrons({ x, y: positive(zarr.y) ?? x, ...(z ? { z } : {}), unit: zarr.unit, source: 'OME-Zarr' });
  }
  return undefined;
}

/** A TIFF rational (pixels per unit) as a number. */
function resolution(v: unknown): number | undefined {
  if (typeof v === 'number') return positive(v);
  if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number' && v[1] !== 0) return positive(v[0] / v[1]);
  return undefined;
}

/** "0.325 × 0.325 × 2 µm" for the status bar and the project panel. */
export function formatPixelSize(size: PixelSize): string {
  const n = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? String(Number(v.toFixed(3))) : String(Number(v.toPrecision(3))));
  return `${n(size.x)} × ${n(size.y)}${size.z !== undefined ? ` × ${n(size.z)}` : ''} ${size.unit}`;
}
