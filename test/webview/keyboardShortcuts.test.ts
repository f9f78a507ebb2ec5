import { describe, expect, it } from 'vitest';
import { SHORTCUT_KEYS, shortcutFor, withShortcut } from '../../webview/keyboardShortcuts';

describe('keyboard shortcuts', () => {
  it('PageUp/PageDown move in z, with Shift in t', () => {
    expect(shortcutFor('PageUp', false)).toEqual({ kind: 'plane', axis: 'z', delta: -1 });
    expect(shortcutFor('PageDown', false)).toEqual({ kind: 'plane', axis: 'z', delta: 1 });
    expect(shortcutFor('PageUp', true)).toEqual({ kind: 'plane', axis: 't', delta: -1 });
    expect(shortcutFor('PageDown', true)).toEqual({ kind: 'plane', axis: 't', delta: 1 });
  });

  it('single keys choose the one result view, case-insensitively', () => {
    expect(['n', 'p', 's', 'u'].map((k) => shortcutFor(k, false))).toEqual([
      { kind: 'result', view: 'none' }, { kind: 'result', view: 'probabilities' },
      { kind: 'result', view: 'segmentation' }, { kind: 'result', view: 'uncertainty' },
    ]);
    expect(shortcutFor('U', true)).toEqual({ kind: 'result', view: 'uncertainty' });
    expect(shortcutFor('r', false)).toEqual({ kind: 'holdRaw' });
  });

  it('tools, classes, zoom, brush and the rest', () => {
    expect(shortcutFor('b', false)).toEqual({ kind: 'tool', tool: 'brush' });
    expect(shortcutFor('E', false)).toEqual({ kind: 'tool', tool: 'eraser' });
    expect(shortcutFor('h', false)).toEqual({ kind: 'tool', tool: 'pan' });
    expect(shortcutFor('3', false)).toEqual({ kind: 'class', index: 2 });
    expect(shortcutFor('0', false)).toEqual({ kind: 'oneToOne' });
    expect(shortcutFor('=', false)).toEqual({ kind: 'zoom', factor: 1.5 });
    expect(shortcutFor('[', false)).toEqual({ kind: 'brush', delta: -1 });
    expect(shortcutFor('Escape', false)).toEqual({ kind: 'escape' });
    expect(shortcutFor(' ', false)).toEqual({ kind: 'holdPan' });
    expect(shortcutFor('x', false)).toEqual({ kind: 'tool', tool: 'superpixel' });
    expect(shortcutFor('k', false)).toEqual({ kind: 'tool', tool: 'fill' });
    expect(shortcutFor('O', true)).toEqual({ kind: 'tool', tool: 'polygon' });
    expect(shortcutFor('q', false)).toEqual({ kind: 'tool', tool: 'lasso' });
    expect(shortcutFor('w', false)).toEqual({ kind: 'tool', tool: 'wand' });
    expect(shortcutFor('m', false)).toEqual({ kind: 'preserve' });
    expect(shortcutFor('c', false)).toEqual({ kind: 'copySlice', from: -1 });
    expect(shortcutFor('C', true)).toEqual({ kind: 'copySlice', from: 1 });
    expect(shortcutFor('Enter', false)).toEqual({ kind: 'enter' });
    expect(shortcutFor('j', false)).toBeUndefined();
    expect(shortcutFor('ArrowLeft', false)).toBeUndefined();
  });

  it('every single key a tooltip names does what the tooltip says', () => {
    const named: [keyof typeof SHORTCUT_KEYS, string, unknown][] = [
      ['brush', 'B', { kind: 'tool', tool: 'brush' }], ['eraser', 'E', { kind: 'tool', tool: 'eraser' }],
      ['fit', 'F', { kind: 'fit' }], ['oneToOne', '0', { kind: 'oneToOne' }], ['live', 'L', { kind: 'live' }],
      ['updateNow', 'T', { kind: 'updateNow' }], ['mostUncertain', 'G', { kind: 'mostUncertain' }],
      ['togglePanel', '\\', { kind: 'togglePanel' }], ['segmentation', 'S', { kind: 'result', view: 'segmentation' }],
    ];
    for (const [control, key, action] of named) {
      expect(SHORTCUT_KEYS[control]).toBe(key);
      expect(shortcutFor(key, false)).toEqual(action);
    }
    expect(withShortcut('Brush', 'brush')).toBe('Brush (B)');
  });
});
