import { describe, expect, it } from 'vitest';
import { focusOnOpen } from '../../extension/editor/focusOnOpen';

const panel = (active: boolean) => {
  const reveals: unknown[][] = [];
  return { reveals, panel: { active, viewColumn: 3, reveal: (...args: unknown[]) => { reveals.push(args); } } };
};

describe('focus on open', () => {
  it('an image editor opened as the active editor takes the keyboard focus, in its own column', () => {
    const p = panel(true);
    focusOnOpen(p.panel as never);
    expect(p.reveals).toEqual([[3, false]]);
  });

  it('an editor opened in the background leaves the focus where it is', () => {
    const p = panel(false);
    focusOnOpen(p.panel as never);
    expect(p.reveals).toEqual([]);
  });
});
