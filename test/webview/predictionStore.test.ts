import { describe, expect, it } from 'vitest';
import { PredictionStore, type PredictionTile } from '../../webview/canvas/predictionStore';

const tile = (generation: number, column: number, values: number[], extra: Partial<PredictionTile> = {}): PredictionTile => ({
  t: 0, z: 0, box: { column, row: 0, width: 1, height: 1 }, nClasses: 2, generation, probabilities: Uint8Array.from(values), ...extra,
});

describe('PredictionStore', () => {
  it('composites tiles and counts them', () => {
    const s = new PredictionStore(2, 1);
    expect(s.add(tile(0, 0, [255, 0]))!.newPlane).toBe(true);
    expect(s.add(tile(0, 1, [51, 204]))!.newPlane).toBe(false);
    expect(s.tilesDrawn).toBe(2);
    expect(s.probabilitiesAt(0, 0, 1, 0)).toEqual([0.2, 0.8]);
    expect(s.probabilitiesAt(0, 1, 1, 0)).toBeUndefined();
  });

  it('ignores tiles older than the last clear', () => {
    const s = new PredictionStore(2, 1);
    s.clear(3, false);
    expect(s.add(tile(2, 0, [255, 0]))).toBeUndefined();
    expect(s.tilesDrawn).toBe(0);
    expect(s.add(tile(3, 0, [255, 0]))).toBeDefined();
    expect(s.add(tile(4, 1, [0, 255]))).toBeDefined();
    // a clear never lowers the generation
    s.clear(1, true);
    expect(s.generation).toBe(3);
  });

  it('clear wipes, or keeps old planes until new tiles / dropStale', () => {
    const s = new PredictionStore(2, 1);
    s.add(tile(0, 0, [255, 0]));
    expect(s.clear(1, true)).toBe(false);
    expect(s.probabilitiesAt(0, 0, 0, 0)).toEqual([1, 0]);
    s.add(tile(1, 1, [0, 255], { z: 1 }));
    expect(s.dropStale()).toEqual(['0/0']);
    expect(s.get(0, 0)).toBeUndefined();
    expect(s.get(0, 1)).toBeDefined();
    expect(s.clear(2, false)).toBe(true);
    expect(s.get(0, 1)).toBeUndefined();
  });

  it('rejects malformed tiles', () => {
    const s = new PredictionStore(2, 1);
    expect(s.add(tile(0, 0, [255]))).toBeUndefined();
    expect(s.add(tile(0, 0, [255, 0], { nClasses: 0 }))).toBeUndefined();
    expect(s.add(tile(0, 0, [], { box: { column: 0, row: 0, width: 0, height: 1 } }))).toBeUndefined();
  });

  it('a different class count starts a new plane', () => {
    const s = new PredictionStore(1, 1);
    s.add(tile(0, 0, [255, 0]));
    const r = s.add(tile(0, 0, [0, 0, 255], { nClasses: 3 }))!;
    expect(r.newPlane).toBe(true);
    expect(s.probabilitiesAt(0, 0, 0, 0)).toEqual([0, 0, 1]);
  });

  it('keeps within the byte budget, dropping the least recently updated plane', () => {
    // each plane: 2 classes × 4 px + 4 coverage bytes = 12 bytes; budget 30 → two planes fit
    const s = new PredictionStore(2, 2, 30);
    for (const z of [0, 1, 2]) s.add(tile(0, 0, [255, 0], { z }));
    expect(s.get(0, 0)).toBeUndefined();
    expect(s.get(0, 1)).toBeDefined();
    expect(s.get(0, 2)).toBeDefined();
    s.add(tile(0, 0, [255, 0], { z: 1 }));
    s.add(tile(0, 0, [255, 0], { z: 3 }));
    expect(s.get(0, 2)).toBeUndefined();
    expect(s.get(0, 1)).toBeDefined();
  });
});
