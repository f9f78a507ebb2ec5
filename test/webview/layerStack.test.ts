import { describe, expect, it } from 'vitest';
import { layerStack, type StackInput } from '../../webview/canvas/layerStack';
import { RESULT_VIEWS } from '../../webview/viewState';

const base: StackInput = {
  resultView: 'probabilities', resultOpacity: 0.5, labelsVisible: true, labelOpacity: 1,
  rawOnly: false, featurePreview: false, hasPrediction: true, hasLabels: true,
};
const ids = (over: Partial<StackInput>) => layerStack({ ...base, ...over }).map((e) => e.id);

describe('layer stack', () => {
  it('raw image, then the one chosen result, then the labels on top with an edge', () => {
    expect(layerStack(base)).toEqual([
      { id: 'image', opacity: 1, edge: false },
      { id: 'probabilities', opacity: 0.5, edge: false },
      { id: 'labels', opacity: 1, edge: true },
    ]);
    expect(ids({ resultView: 'segmentation' })).toEqual(['image', 'segmentation', 'labels']);
    expect(ids({ resultView: 'uncertainty' })).toEqual(['image', 'uncertainty', 'labels']);
    expect(ids({ resultView: 'none' })).toEqual(['image', 'labels']);
  });

  it('never stacks two results, and the raw image is always the bottom layer', () => {
    for (const resultView of RESULT_VIEWS) {
      for (const featurePreview of [false, true]) {
        for (const rawOnly of [false, true]) {
          const stack = ids({ resultView, featurePreview, rawOnly });
          expect(stack.filter((id) => ['probabilities', 'segmentation', 'uncertainty'].includes(id)).length).toBeLessThanOrEqual(1);
          expect(stack[0]).toBe(featurePreview && !rawOnly ? 'feature' : 'image');
          if (stack.includes('labels')) expect(stack[stack.length - 1]).toBe('labels');
        }
      }
    }
  });

  it('a result never covers the raw image completely', () => {
    expect(layerStack({ ...base, resultView: 'segmentation', resultOpacity: 1 })[1]).toEqual({ id: 'segmentation', opacity: 0.9, edge: false });
    expect(layerStack({ ...base, resultOpacity: 0.3 })[1].opacity).toBe(0.3);
  });

  it('holding the raw-image key hides every overlay', () => {
    expect(ids({ rawOnly: true })).toEqual(['image']);
    expect(ids({ rawOnly: true, featurePreview: true })).toEqual(['image']);
  });

  it('a feature preview replaces the raw image and hides the result; labels stay', () => {
    expect(ids({ featurePreview: true })).toEqual(['feature', 'labels']);
  });

  it('skips what is empty, hidden or fully transparent', () => {
    expect(ids({ hasPrediction: false })).toEqual(['image', 'labels']);
    expect(ids({ resultOpacity: 0 })).toEqual(['image', 'labels']);
    expect(ids({ hasLabels: false })).toEqual(['image', 'probabilities']);
    expect(ids({ labelsVisible: false })).toEqual(['image', 'probabilities']);
    expect(ids({ labelOpacity: 0 })).toEqual(['image', 'probabilities']);
  });
});
