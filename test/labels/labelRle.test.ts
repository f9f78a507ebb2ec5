import { denseLabels } from '../../extension/core/labels/labelVolume';
import { describe, expect, it } from 'vitest';
import {
  decodeLabels, decodePlane, decodeRowRuns, encodeLabels, encodePlane, encodeRowRuns, LabelRleError, parsePlaneKey,
  PLANE_END, planeKey,
} from '../../extension/core/labels/labelRle';
import { LabelVolume } from '../../extension/core/labels/labelVolume';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

describe('row runs', () => {
  it('encodes exact small rows', () => {
    expect(encodeRowRuns(Uint8Array.of(0, 1, 1, 0, 2))).toBe('1+2=1 4+1=2');
    expect(encodeRowRuns(Uint8Array.of(0, 0, 0))).toBe('');
    expect(encodeRowRuns(Uint8Array.of(3, 3, 4, 4, 4))).toBe('0+2=3 2+3=4');
    expect(encodeRowRuns(Uint8Array.of(255))).toBe('0+1=255');
    expect(encodeRowRuns(new Uint8Array(0))).toBe('');
  });

  it('decodes exact small rows', () => {
    const row = new Uint8Array(6);
    decodeRowRuns('1+2=1 4+1=2', row);
    expect(Array.from(row)).toEqual([0, 1, 1, 0, 2, 0]);
  });

  it.each([
    ['x+1=1', /malformed run/],
    ['0+0=1', /length 0/],
    ['0+1=0', /class 0/],
    ['0+1=256', /class 256/],
    ['0+3=1 2+1=2', /overlaps/],
    ['3+1=1 0+1=2', /overlaps or precedes/],
    ['4+3=1', /past the row width 6/],
  ])('rejects %s', (text, message) => {
    expect(() => decodeRowRuns(text, new Uint8Array(6))).toThrow(message);
  });

  it('round-trips random rows', () => {
    const random = lcg(1);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(random() * 50);
      const row = new Uint8Array(n);
      for (let i = 0; i < n; i++) row[i] = random() < 0.5 ? 0 : 1 + Math.floor(random() * 3);
      const back = new Uint8Array(n);
      decodeRowRuns(encodeRowRuns(row), back);
      expect(back).toEqual(row);
    }
  });
});

describe('planes', () => {
  it('encodes non-empty rows with the terminator', () => {
    const plane = Uint8Array.of(
      0, 0, 0,
      1, 1, 0,
      0, 0, 0,
      0, 2, 2,
    );
    expect(encodePlane(plane, 3, 4)).toEqual(['1: 0+2=1', '3: 1+2=2', PLANE_END]);
    expect(encodePlane(new Uint8Array(12), 3, 4)).toEqual([]);
  });

  it('decodes with and without the terminator', () => {
    const a = new Uint8Array(6);
    decodePlane(['1: 0+2=1', PLANE_END], a, 3, 2);
    expect(Array.from(a)).toEqual([0, 0, 0, 1, 1, 0]);
    const b = new Uint8Array(6);
    decodePlane(['0: 2+1=3'], b, 3, 2);
    expect(Array.from(b)).toEqual([0, 0, 3, 0, 0, 0]);
  });

  it.each([
    [['5: 0+1=1'], /outside the image/, 0],
    [['1: 0+1=1', '0: 0+1=1'], /out of order/, 1],
    [['1: 0+1=1', '1: 2+1=1'], /repeated/, 1],
    [['row 1'], /malformed label row/, 0],
    [[PLANE_END, '0: 0+1=1'], /must be the last/, 0],
    [[7], /must be a string/, 0],
    [['0: 0+9=1'], /row 0: run "0\+9=1" ends past/, 0],
  ])('rejects %j with a location', (lines, message, index) => {
    try {
      decodePlane(lines, new Uint8Array(6), 3, 2);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(LabelRleError);
      expect((error as LabelRleError).message).toMatch(message);
      expect((error as LabelRleError).path).toEqual([index]);
    }
  });
});

describe('volumes', () => {
  it('plane keys', () => {
    expect(planeKey(2, 13)).toBe('t2z13');
    expect(parsePlaneKey('t2z13')).toEqual({ t: 2, z: 13 });
    expect(parsePlaneKey('z1t2')).toBeUndefined();
  });

  it('omits empty planes and keeps (t, z) order', () => {
    const v = new LabelVolume({ t: 2, z: 2, y: 2, x: 2 });
    v.data[v.index(1, 0, 1, 1)] = 2;
    v.data[v.index(0, 1, 0, 0)] = 1;
    const encoded = encodeLabels(v);
    expect(Object.keys(encoded)).toEqual(['t0z1', 't1z0']);
    expect(encoded).toEqual({ t0z1: ['0: 0+1=1', PLANE_END], t1z0: ['1: 1+1=2', PLANE_END] });
  });

  it('round-trips random sparse volumes', () => {
    const random = lcg(7);
    for (let trial = 0; trial < 30; trial++) {
      const shape = { t: 1 + Math.floor(random() * 2), z: 1 + Math.floor(random() * 3), y: 1 + Math.floor(random() * 20), x: 1 + Math.floor(random() * 20) };
      const v = new LabelVolume(shape);
      for (let i = 0; i < v.data.length; i++) if (random() < 0.2) v.data[i] = 1 + Math.floor(random() * 4);
      const back = decodeLabels(JSON.parse(JSON.stringify(encodeLabels(v))), shape);
      expect(denseLabels(back)).toEqual(v.data);
    }
  });

  it('reports the plane and line of a bad row', () => {
    try {
      decodeLabels({ t0z0: ['0: 0+1=1', '1: 0+1=0'] }, { t: 1, z: 1, y: 2, x: 2 });
      expect.unreachable();
    } catch (error) {
      expect((error as LabelRleError).path).toEqual(['t0z0', 1]);
    }
    expect(() => decodeLabels({ t0z5: [] }, { t: 1, z: 1, y: 2, x: 2 })).toThrow(/outside the image/);
    expect(() => decodeLabels({ foo: [] }, { t: 1, z: 1, y: 2, x: 2 })).toThrow(/malformed plane key/);
    expect(() => decodeLabels([], { t: 1, z: 1, y: 2, x: 2 })).toThrow(/must be an object/);
    expect(decodeLabels(undefined, { t: 1, z: 1, y: 2, x: 2 }).labelledCount()).toBe(0);
  });
});
