/**
 * Pure helpers for channel display and the pixel readout (no DOM), shared by the editor and its tests.
 */
import type { ImageDescriptor } from '../extension/protocol';
import { formatValue, type LutName } from './canvas/lut';
import type { ChannelDisplay } from './viewState';

/**
 * Default channel display: one channel → grey; 8-bit RGB → red/green/blue composite; other multichannel
 * images → composite of the first four channels in green, magenta, cyan, yellow.
 */
export function defaultDisplay(image: ImageDescriptor): ChannelDisplay {
  const c = image.shape.c;
  if (c === 1) return { mode: 'single', channel: 0, lut: 'grey', composite: [], contrast: [] };
  const rgb = c === 3 && image.dtype === 'uint8';
  const luts: LutName[] = rgb ? ['red', 'green', 'blue'] : ['green', 'magenta', 'cyan', 'yellow'];
  return {
    mode: 'composite', channel: 0, lut: 'grey', contrast: [],
    composite: Array.from({ length: Math.min(4, c) }, (_, i) => ({ channel: i, lut: luts[i], enabled: true })),
  };
}

/** A restored display if it still fits the image (channels exist), else undefined. */
export function validDisplay(d: ChannelDisplay | undefined, image: ImageDescriptor): ChannelDisplay | undefined {
  if (!d) return undefined;
  const c = image.shape.c;
  if (d.channel >= c || d.composite.some((l) => l.channel >= c)) return undefined;
  if (d.mode === 'composite' && (c === 1 || d.composite.length === 0)) return undefined;
  return { ...d, contrast: d.contrast.slice(0, c) };
}

/** Auto contrast window from plane stats: 0.1–99.9 percentile, else the full range, else [min, min+1]. */
export function autoRange(stats: { min: number; max: number; low: number; high: number }): { min: number; max: number } {
  if (stats.high > stats.low) return { min: stats.low, max: stats.high };
  if (stats.max > stats.min) return { min: stats.min, max: stats.max };
  return { min: stats.min, max: stats.min + 1 };
}

/** Channels a display shows (single: the clamped channel; composite: enabled layers, unique). */
export function displayedChannels(d: ChannelDisplay, nChannels: number): number[] {
  if (d.mode === 'single' || nChannels === 1) return [Math.min(d.channel, nChannels - 1)];
  return [...new Set(d.composite.filter((l) => l.enabled).map((l) => l.channel))];
}

/**
 * The `#pixel-readout` text (format fixed by the webview DOM contract):
 * `x=<col> y=<row> z=<z> t=<t> | c0=<raw> c1=<raw> …` plus ` | p1=0.93 p2=0.07` when probabilities exist.
 * A channel whose plane has not arrived yet shows `…`. Probabilities are indexed by class id (1-based).
 */
export function formatReadout(col: number, row: number, z: number, t: number, values: (number | undefined)[], probabilities?: number[]): string {
  const channels = values.map((v, c) => `c${c}=${v === undefined ? '…' : formatValue(v)}`).join(' ');
  let text = `x=${col} y=${row} z=${z} t=${t} | ${channels}`;
  if (probabilities && probabilities.length) text += ` | ${probabilities.map((p, k) => `p${k + 1}=${p.toFixed(2)}`).join(' ')}`;
  return text;
}
