/**
 * Gives an image editor the keyboard focus when it opens as the active editor, so z/t and tool keys work at once.
 * A click in the Explorer opens a file but leaves the focus in the Explorer; for an image that meant PageDown or B
 * did nothing until the user clicked the canvas — and a click on the canvas paints.
 */
import type * as vscode from 'vscode';

/** Focuses `panel` if it is the active editor (an editor opened in the background keeps the user's focus). */
export function focusOnOpen(panel: vscode.WebviewPanel): void {
  if (panel.active) panel.reveal(panel.viewColumn, false);
}
