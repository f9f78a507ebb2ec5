/**
 * The line under the Features panel's unit toggle in physical mode (issue #15): what a σ in µm becomes in pixels
 * along each axis of this image, or why it cannot be used (no pixel size, a unit that is not a length).
 */
import type { FeatureSelectionData, PixelSizeData } from '../../extension/protocol';

const MICRONS: Record<string, number> = { nm: 1e-3, 'µm': 1, um: 1, 'μm': 1, mm: 1e3, cm: 1e4, m: 1e6 };

function round(v: number): string {
  return String(Number(v.toPrecision(v >= 10 ? 3 : 2)));
}

/**
 * @returns the text and whether it is a warning
 * @example physicalScaleNote(selectionWithSigma1, { x: 0.5, y: 0.5, z: 2, unit: 'µm', source: 'OME-XML' }, true)
 * // { text: 'σ=1 µm → 2 × 2 × 0.5 pixels (x × y × z) …', warning: false }
 */
export function physicalScaleNote(sel: FeatureSelectionData, size: PixelSizeData | undefined, hasZ: boolean): { text: string; warning: boolean } {
  if (!size) return { text: 'This image has no pixel size: set it under Display → Pixel size, or use σ in pixels.', warning: true };
  const factor = MICRONS[size.unit];
  if (factor === undefined) return { text: `The pixel size is in "${size.unit}", not a length: set it in µm under Display → Pixel size.`, warning: true };
  if (hasZ && !(size.z! > 0)) return { text: 'This z-stack has no z step: set it under Display → Pixel size.', warning: true };
  const x = size.x * factor, y = size.y * factor, z = (size.z ?? 1) * factor;
  const sigma = sel.scales.length > 0 ? sel.scales[Math.min(sel.scales.length - 1, Math.floor(sel.scales.length / 2))].sigma : 1;
  const axes = hasZ ? `${round(sigma / x)} × ${round(sigma / y)} × ${round(sigma / z)} pixels (x × y × z)` : `${round(sigma / x)} × ${round(sigma / y)} pixels (x × y)`;
  return { text: `σ=${sigma} µm → ${axes}; pixel ${round(x)} × ${round(y)}${hasZ ? ` × ${round(z)}` : ''} µm.`, warning: false };
}
