import { describe, expect, it } from 'vitest';
import { autoRange, defaultDisplay, displayedChannels, formatReadout, validDisplay } from '../../webview/displaySettings';
import type { ImageDescriptor } from '../../extension/protocol';

const image = (c: number, dtype: ImageDescriptor['dtype'] = 'uint16'): ImageDescriptor =>
  ({ fileName: 'a.tif', shape: { t: 1, z: 1, c, y: 4, x: 5 }, axes: 'CYX', dtype, channelNames: [] });

describe('readout', () => {
  it('has the contract format', () => {
    expect(formatReadout(12, 7, 0, 0, [513])).toBe('x=12 y=7 z=0 t=0 | c0=513');
    expect(formatReadout(1, 2, 3, 4, [5, 6.25, undefined])).toBe('x=1 y=2 z=3 t=4 | c0=5 c1=6.25 c2=…');
  });

  it('appends probabilities by class id with two decimals', () => {
    expect(formatReadout(0, 0, 0, 0, [9], [0.93, 0.07])).toBe('x=0 y=0 z=0 t=0 | c0=9 | p1=0.93 p2=0.07');
    expect(formatReadout(0, 0, 0, 0, [9], [128 / 255, 127 / 255, 0])).toBe('x=0 y=0 z=0 t=0 | c0=9 | p1=0.50 p2=0.50 p3=0.00');
    expect(formatReadout(0, 0, 0, 0, [9], [])).toBe('x=0 y=0 z=0 t=0 | c0=9');
  });
});

describe('auto contrast', () => {
  it('uses the percentiles, then the full range, then a unit window', () => {
    expect(autoRange({ min: 0, max: 1000, low: 10, high: 900 })).toEqual({ min: 10, max: 900 });
    expect(autoRange({ min: 0, max: 1000, low: 5, high: 5 })).toEqual({ min: 0, max: 1000 });
    expect(autoRange({ min: 7, max: 7, low: 7, high: 7 })).toEqual({ min: 7, max: 8 });
  });
});

describe('channel display', () => {
  it('defaults: grey for one channel, RGB for 8-bit 3-channel, fluorescence colours otherwise', () => {
    expect(defaultDisplay(image(1))).toEqual({ mode: 'single', channel: 0, lut: 'grey', composite: [], contrast: [] });
    expect(defaultDisplay(image(3, 'uint8')).composite.map((l) => l.lut)).toEqual(['red', 'green', 'blue']);
    const six = defaultDisplay(image(6));
    expect(six.composite.map((l) => [l.channel, l.lut])).toEqual([[0, 'green'], [1, 'magenta'], [2, 'cyan'], [3, 'yellow']]);
  });

  it('shown channels', () => {
    const d = defaultDisplay(image(3));
    d.composite[1].enabled = false;
    expect(displayedChannels(d, 3)).toEqual([0, 2]);
    expect(displayedChannels({ ...d, mode: 'single', channel: 5 }, 3)).toEqual([2]);
  });

  it('restored displays must fit the image', () => {
    const d = defaultDisplay(image(4));
    expect(validDisplay(d, image(4))).toEqual(d);
    expect(validDisplay(d, image(2))).toBeUndefined();
    expect(validDisplay(undefined, image(2))).toBeUndefined();
    expect(validDisplay({ ...defaultDisplay(image(1)), contrast: [{ min: 0, max: 1 }, { min: 2, max: 3 }] }, image(1))!.contrast).toEqual([{ min: 0, max: 1 }]);
  });
});
