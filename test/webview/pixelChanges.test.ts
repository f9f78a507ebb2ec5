import { describe, expect, it } from 'vitest';
import { PixelChanges } from '../../webview/canvas/pixelChanges';

const box = (column: number, row: number, width: number, height: number) => ({ column, row, width, height });

describe('PixelChanges (where a layer changed since a version)', () => {
  it('unions the boxes changed after the version; an empty box when nothing changed', () => {
    const c = new PixelChanges();
    expect(c.since(0)).toEqual(box(0, 0, 0, 0));
    c.changed(box(10, 20, 5, 5));
    c.changed(box(2, 30, 4, 1));
    expect(c.version).toBe(2);
    expect(c.since(0)).toEqual(box(2, 20, 13, 11));
    expect(c.since(1)).toEqual(box(2, 30, 4, 1));
    expect(c.since(2)).toEqual(box(0, 0, 0, 0));
  });

  it('ignores empty boxes (no new version)', () => {
    const c = new PixelChanges();
    c.changed(box(3, 3, 0, 4));
    expect(c.version).toBe(0);
  });

  it('answers unknown across a change of everything, and for versions it never had', () => {
    const c = new PixelChanges();
    c.changed(box(0, 0, 1, 1));
    c.changedAll();
    c.changed(box(5, 5, 1, 1));
    expect(c.since(1)).toBeUndefined();
    expect(c.since(2)).toEqual(box(5, 5, 1, 1));
    expect(c.since(9)).toBeUndefined();
  });

  it('forgets all but the last 64 changes', () => {
    const c = new PixelChanges();
    for (let i = 0; i < 70; i++) c.changed(box(i, 0, 1, 1));
    expect(c.since(5)).toBeUndefined();
    expect(c.since(6)).toEqual(box(6, 0, 64, 1));
    expect(c.since(69)).toEqual(box(69, 0, 1, 1));
  });
});

describe('PixelChanges.extent (where the layer may have pixels)', () => {
  it('grows with every change, is empty after a clear and unknown after a change of everything', () => {
    const c = new PixelChanges();
    expect(c.extent).toEqual(box(0, 0, 0, 0));
    c.changed(box(10, 10, 2, 2));
    c.changed(box(30, 5, 1, 1));
    expect(c.extent).toEqual(box(10, 5, 21, 7));
    c.cleared();
    expect(c.extent).toEqual(box(0, 0, 0, 0));
    expect(c.since(2)).toBeUndefined();
    c.changed(box(4, 4, 1, 1));
    expect(c.extent).toEqual(box(4, 4, 1, 1));
    c.changedAll();
    expect(c.extent).toBeUndefined();
    c.changed(box(1, 1, 1, 1));
    expect(c.extent).toBeUndefined();
  });
});
