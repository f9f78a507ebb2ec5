/** Cancellation is checked within a tree (every NODES_PER_CANCEL_CHECK nodes), not only between trees. */
import { describe, expect, it } from 'vitest';
import { NODES_PER_CANCEL_CHECK } from '../../extension/core/forest/growTree';
import { TreeRandom } from '../../extension/core/forest/index';
import { resolveForestSettings, trainForestOnSet } from '../../extension/core/forest/trainForest';
import { prepareTrainingSet } from '../../extension/core/forest/trainingSet';

/** Random labels: every tree grows to many nodes. */
function noisy(n: number): { X: Float32Array; y: Uint8Array } {
  const rng = new TreeRandom(3, 7);
  const X = new Float32Array(n * 2);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    X[2 * i] = rng.nextUint32() / 4294967296;
    X[2 * i + 1] = rng.nextUint32() / 4294967296;
    y[i] = 1 + (rng.nextUint32() % 2);
  }
  return { X, y };
}

describe('trainForestOnSet cancellation within a tree', () => {
  const { X, y } = noisy(2000);
  const set = prepareTrainingSet(X, y, 2, 3);
  const settings = resolveForestSettings(2, { nClasses: 3, nTrees: 2, seed: 1 });

  it('checks many times per tree and stops inside the first tree when the check throws', () => {
    let checks = 0;
    let trees = 0;
    const forest = trainForestOnSet(set, settings, [0, 1], () => { trees++; }, () => { checks++; });
    const nodes = forest.trees[0].nodeCount;
    expect(nodes).toBeGreaterThan(4 * NODES_PER_CANCEL_CHECK);
    expect(checks).toBe(Math.floor(nodes / NODES_PER_CANCEL_CHECK)); // one check per 32 nodes split
    expect(trees).toBe(1);

    let calls = 0;
    expect(() => trainForestOnSet(set, settings, [0, 2], () => { trees++; }, () => { if (++calls === 2) throw new Error('cancelled'); }))
      .toThrow('cancelled');
    expect(trees).toBe(1); // no tree finished in the second run
  });

  it('the check does not change the forest', () => {
    const a = trainForestOnSet(set, settings, [0, 2]);
    const b = trainForestOnSet(set, settings, [0, 2], undefined, () => undefined);
    expect(Array.from(b.trees[1].thresholds)).toEqual(Array.from(a.trees[1].thresholds));
  });
});
