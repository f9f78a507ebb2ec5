import { describe, expect, it, vi } from 'vitest';
import { defaultState, sanitizeState, StateSaver } from '../../webview/viewState';

describe('view state', () => {
  it('restores a valid state for the same image', () => {
    const s = { ...defaultState('a'), view: { scale: 2, offsetX: 3, offsetY: 4 }, tool: 'eraser', brushSize: 17, selectedClass: 2, z: 3 };
    const r = sanitizeState(JSON.parse(JSON.stringify(s)), 'a');
    expect(r.view).toEqual({ scale: 2, offsetX: 3, offsetY: 4 });
    expect(r.tool).toBe('eraser');
    expect(r.brushSize).toBe(17);
    expect(r.selectedClass).toBe(2);
    expect(r.z).toBe(3);
  });

  it('starts fresh for another image or garbage', () => {
    const s = { ...defaultState('a'), brushSize: 17 };
    expect(sanitizeState(s, 'b').brushSize).toBe(5);
    expect(sanitizeState(null, 'b')).toEqual(defaultState('b'));
    expect(sanitizeState('x', 'b')).toEqual(defaultState('b'));
  });

  it('clamps and drops malformed fields', () => {
    const r = sanitizeState({
      version: 1, imageKey: 'a', brushSize: 500, tool: 'scissors', view: { scale: -1, offsetX: 0, offsetY: 0 },
      overlays: { labels: { visible: 'yes', opacity: 7 } },
      display: { mode: 'composite', channel: 1, lut: 'nope', composite: [{ channel: 1, lut: 'green' }, { channel: 2, lut: 'bad' }], contrast: [{ min: 1, max: 2 }, null, { min: 'x' }] },
    }, 'a');
    expect(r.brushSize).toBe(61);
    expect(r.tool).toBe('brush');
    expect(sanitizeState({ version: 1, imageKey: 'a', tool: 'lasso', eraserSize: 9, preserveLabels: true }, 'a')).toMatchObject({ tool: 'lasso', eraserSize: 9, preserveLabels: true });
    expect(sanitizeState({ version: 1, imageKey: 'a', eraserSize: 99, preserveLabels: 'yes' }, 'a')).not.toHaveProperty('eraserSize');
    expect(r.view).toBeUndefined();
    expect(r.overlays.labels).toEqual({ visible: true, opacity: 1 });
    expect(r.display).toEqual({ mode: 'composite', channel: 1, lut: 'grey', composite: [{ channel: 1, lut: 'green', enabled: true }], contrast: [{ min: 1, max: 2 }, null, null] });
  });

  it('saver coalesces bursts', () => {
    vi.useFakeTimers();
    const set = vi.fn();
    const saver = new StateSaver(set, 100);
    saver.save(defaultState('a'));
    saver.save({ ...defaultState('a'), brushSize: 9 });
    expect(set).not.toHaveBeenCalled();
    vi.advanceTimersByTime(100);
    expect(set).toHaveBeenCalledTimes(1);
    expect(set.mock.calls[0][0].brushSize).toBe(9);
    saver.flush(defaultState('a'));
    expect(set).toHaveBeenCalledTimes(2);
    vi.useRealTimers();
  });

  it('labels are opaque and one result view is chosen by default', () => {
    const d = defaultState('a');
    expect(d.overlays.labels).toEqual({ visible: true, opacity: 1 });
    expect(d.resultView).toBe('probabilities');
  });

  it('keeps a valid result view and rejects an unknown one', () => {
    expect(sanitizeState({ ...defaultState('a'), resultView: 'uncertainty' }, 'a').resultView).toBe('uncertainty');
    expect(sanitizeState({ ...defaultState('a'), resultView: 'all' }, 'a').resultView).toBe('probabilities');
  });

  it('a state from before the single result view keeps the first result that was visible', () => {
    const old = (visible: [boolean, boolean, boolean]) => ({
      version: 1, imageKey: 'a',
      overlays: { probabilities: { visible: visible[0], opacity: 0.5 }, segmentation: { visible: visible[1], opacity: 0.4 }, uncertainty: { visible: visible[2], opacity: 0.6 } },
    });
    expect(sanitizeState(old([false, true, true]), 'a').resultView).toBe('segmentation');
    expect(sanitizeState(old([false, false, true]), 'a').resultView).toBe('uncertainty');
    expect(sanitizeState(old([false, false, false]), 'a').resultView).toBe('none');
    expect(sanitizeState(old([false, true, false]), 'a').overlays.segmentation.opacity).toBe(0.4);
  });
});
