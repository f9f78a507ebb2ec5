/** The fading outline of the region "Uncertain" jumped to: its opacity over time (pure, no DOM). */

/** How long the region chosen by "Uncertain" stays fully outlined, then how long the outline takes to fade (ms). */
export const HIGHLIGHT_HOLD_MS = 1200;
export const HIGHLIGHT_FADE_MS = 1800;

/** Opacity of the "Uncertain" outline `ms` after the jump: 1 while held, then a linear fade to 0. */
export function highlightAlpha(ms: number): number {
  if (ms <= HIGHLIGHT_HOLD_MS) return 1;
  return Math.max(0, 1 - (ms - HIGHLIGHT_HOLD_MS) / HIGHLIGHT_FADE_MS);
}
