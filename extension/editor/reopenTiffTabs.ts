/**
 * Reopens in the Pixel Classifier editor the TIFFs that VS Code opened as (binary) text before this extension's
 * custom editor was registered.
 *
 * Why this happens: VS Code's editor resolver waits for installed extensions to register only for file patterns
 * in its cache of custom editors ("editorOverrideService.cache", profile storage, written when the window saves
 * its state). In a fresh profile — the first window after installing the extension, every code-server session
 * with a new user-data dir — the cache is empty, so a TIFF clicked in the Explorer as soon as the window shows is
 * resolved before the `customEditors` contribution is registered and falls back to the text editor ("binary or
 * unsupported text encoding"). The extension activates `onStartupFinished` (after registration), finds those tabs
 * and reopens them with its editor in the same place.
 */
import * as vscode from 'vscode';
import type { Logger } from './logger';

const TIFF = /\.tiff?$/i;

/** Text-editor tabs showing a TIFF, in every group. */
export function tiffTextTabs(groups: readonly vscode.TabGroup[]): vscode.Tab[] {
  return groups.flatMap((g) => g.tabs).filter((tab) => tab.input instanceof vscode.TabInputText && TIFF.test(tab.input.uri.path));
}

/** Replaces each text tab of a TIFF with the custom editor `viewType` (same group, same preview state). */
export async function reopenTiffTabs(viewType: string, logger: Logger): Promise<void> {
  let tabs: vscode.Tab[];
  try {
    tabs = tiffTextTabs(vscode.window.tabGroups.all);
  } catch (e) {
    logger.warn(`Could not list the open editors: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  for (const tab of tabs) {
    const uri = (tab.input as vscode.TabInputText).uri;
    try {
      await vscode.commands.executeCommand('vscode.openWith', uri, viewType, { viewColumn: tab.group.viewColumn, preview: tab.isPreview, preserveFocus: !tab.isActive });
      // The custom editor may have taken the preview slot already; close the text tab if it is still there.
      const stale = tiffTextTabs(vscode.window.tabGroups.all).find((t) => t.group === tab.group && (t.input as vscode.TabInputText).uri.toString() === uri.toString());
      if (stale) await vscode.window.tabGroups.close(stale);
      logger.info(`Reopened ${vscode.workspace.asRelativePath(uri)} in the Pixel Classifier editor (it was opened as text before the extension was ready)`);
    } catch (e) {
      logger.warn(`Could not reopen ${uri.fsPath} in the Pixel Classifier editor: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
