/**
 * The editor's single-key shortcuts: one table that both the key handler and the tooltips read, so a tooltip
 * can never name a key that does not work. Pure: no DOM.
 */
import type { ResultView, Tool } from './viewState';

/** What a key does. */
export type ShortcutAction =
  | { kind: 'tool'; tool: Tool }
  | { kind: 'result'; view: ResultView }
  | { kind: 'fit' } | { kind: 'oneToOne' } | { kind: 'zoom'; factor: number }
  | { kind: 'brush'; delta: -1 | 1 }
  | { kind: 'plane'; axis: 'z' | 't'; delta: -1 | 1 }
  | { kind: 'class'; index: number }
  | { kind: 'live' } | { kind: 'updateNow' } | { kind: 'mostUncertain' } | { kind: 'togglePanel' }
  | { kind: 'holdPan' } | { kind: 'holdRaw' } | { kind: 'escape' }
  | { kind: 'enter' } | { kind: 'preserve' } | { kind: 'copySlice'; from: -1 | 1 } | { kind: 'maximiseView' };

/** Keys shown in tooltips, by control. */
export const SHORTCUT_KEYS = {
  pan: 'H, or hold Space',
  brush: 'B',
  eraser: 'E',
  fill: 'K',
  polygon: 'O',
  lasso: 'Q',
  wand: 'W',
  superpixel: 'X',
  preserve: 'M',
  copyPrevious: 'C',
  copyNext: 'Shift+C',
  fit: 'F',
  oneToOne: '0',
  zoomIn: '+',
  zoomOut: '-',
  brushSize: '[ and ]',
  live: 'L',
  updateNow: 'T',
  mostUncertain: 'G',
  togglePanel: '\\',
  none: 'N',
  probabilities: 'P',
  segmentation: 'S',
  uncertainty: 'U',
  holdRaw: 'hold R',
  z: 'PageUp / PageDown',
  maximiseView: 'V',
  t: 'Shift+PageUp / Shift+PageDown',
} as const;

/** "Name (key)" for a tooltip. */
export function withShortcut(name: string, key: keyof typeof SHORTCUT_KEYS): string {
  return `${name} (${SHORTCUT_KEYS[key]})`;
}

/** The action of a key press (modifier keys other than Shift never reach here), or undefined. */
export function shortcutFor(key: string, shiftKey: boolean): ShortcutAction | undefined {
  switch (key) {
    case 'PageUp': return { kind: 'plane', axis: shiftKey ? 't' : 'z', delta: -1 };
    case 'PageDown': return { kind: 'plane', axis: shiftKey ? 't' : 'z', delta: 1 };
    case 'Escape': return { kind: 'escape' };
    case 'Enter': return { kind: 'enter' };
    case ' ': return { kind: 'holdPan' };
    case '[': return { kind: 'brush', delta: -1 };
    case ']': return { kind: 'brush', delta: 1 };
    case '+': case '=': return { kind: 'zoom', factor: 1.5 };
    case '-': return { kind: 'zoom', factor: 1 / 1.5 };
    case '0': return { kind: 'oneToOne' };
    case '\\': return { kind: 'togglePanel' };
    default: break;
  }
  if (/^[1-9]$/.test(key)) return { kind: 'class', index: Number(key) - 1 };
  switch (key.length === 1 ? key.toLowerCase() : '') {
    case 'b': return { kind: 'tool', tool: 'brush' };
    case 'e': return { kind: 'tool', tool: 'eraser' };
    case 'k': return { kind: 'tool', tool: 'fill' };
    case 'o': return { kind: 'tool', tool: 'polygon' };
    case 'q': return { kind: 'tool', tool: 'lasso' };
    case 'w': return { kind: 'tool', tool: 'wand' };
    case 'x': return { kind: 'tool', tool: 'superpixel' };
    case 'm': return { kind: 'preserve' };
    case 'c': return { kind: 'copySlice', from: shiftKey ? 1 : -1 };
    case 'h': return { kind: 'tool', tool: 'pan' };
    case 'f': return { kind: 'fit' };
    case 'n': return { kind: 'result', view: 'none' };
    case 'p': return { kind: 'result', view: 'probabilities' };
    case 's': return { kind: 'result', view: 'segmentation' };
    case 'u': return { kind: 'result', view: 'uncertainty' };
    case 'r': return { kind: 'holdRaw' };
    case 'l': return { kind: 'live' };
    case 't': return { kind: 'updateNow' };
    case 'g': return { kind: 'mostUncertain' };
    case 'v': return { kind: 'maximiseView' };
    default: return undefined;
  }
}
