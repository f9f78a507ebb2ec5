/**
 * The VS Code side of shared projects (issue #12): the registry of {@link ProjectSession}s with a real file
 * watcher on each project file, and the question asked before a save that would lose something — keep
 * mine / take theirs / show both in a diff / cancel — as a modal dialog.
 */
import * as vscode from 'vscode';
import { files as fs, platform } from '../core/platform/platform';
import { pathToUri } from './pathUri';
import * as path from 'node:path';
import { selectionDefaultLight } from '../core/features/featureSet';
import { createProject } from '../project/projectSchema';
import { ProjectSessions } from '../project/projectSessions';
import type { SaveAnswer, SaveQuestion } from '../project/projectSession';
import type { Logger } from './logger';

/** Watches one file with VS Code's watcher (works for folders outside the workspace, non-recursively). */
function watchFile(file: string, onEvent: () => void): { dispose(): void } {
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(pathToUri(path.dirname(file)), path.basename(file)));
  const subscriptions = [watcher.onDidChange(onEvent), watcher.onDidCreate(onEvent), watcher.onDidDelete(onEvent), watcher];
  return { dispose: () => { for (const s of subscriptions) s.dispose(); } };
}

const KEEP_MINE = 'Keep Mine';
const TAKE_THEIRS = 'Take Theirs';
const OVERWRITE = 'Overwrite';
const SHOW_DIFF = 'Show Both in a Diff';

/**
 * Asks what to do with a conflicting or malformed project file. "Show Both in a Diff" opens the file on disk
 * beside the version that would be written, then asks again.
 */
export async function askAboutProjectFile(question: SaveQuestion): Promise<SaveAnswer> {
  for (;;) {
    const choices = question.kind === 'malformed' ? [OVERWRITE, SHOW_DIFF] : [KEEP_MINE, TAKE_THEIRS, SHOW_DIFF];
    const detail = question.kind === 'malformed'
      ? 'Overwriting replaces the file on disk with the project in memory. Cancel keeps the file; your changes stay unsaved.'
      : 'Rows and settings changed on one side only are merged either way. Cancel saves nothing; your changes stay unsaved.';
    const choice = await vscode.window.showWarningMessage(question.message, { modal: true, detail }, ...choices);
    if (choice === KEEP_MINE || choice === OVERWRITE) return 'mine';
    if (choice === TAKE_THEIRS) return 'theirs';
    if (choice !== SHOW_DIFF) return 'cancel';
    const tempDir = platform().tempDir?.();
    let mine: vscode.Uri;
    if (tempDir) {
      const dir = await fs.mkdtemp(path.join(tempDir, 'pixel-classifier-merge-'));
      const file = path.join(dir, `${path.basename(question.file, '.json')}.yours.json`);
      await fs.writeFile(file, question.oursText);
      mine = pathToUri(file);
    } else {
      // No temporary folder on the web: "yours" is an untitled document.
      mine = (await vscode.workspace.openTextDocument({ content: question.oursText, language: 'json' })).uri;
    }
    await vscode.commands.executeCommand('vscode.diff', pathToUri(question.file), mine,
      `${path.basename(question.file)}: on disk ↔ yours (merged)`, { preview: true });
  }
}

/** The extension's registry of shared projects. */
export function createProjectSessions(logger: Logger, extensionVersion: () => string, defaultTrees: () => number): ProjectSessions {
  return new ProjectSessions({
    watch: watchFile,
    ask: askAboutProjectFile,
    log: (level, message) => logger[level](message),
    get extensionVersion() {
      return extensionVersion();
    },
    newProject: () => {
      const project = createProject(selectionDefaultLight(), extensionVersion());
      project.classifier.trees = defaultTrees();
      return project;
    },
  });
}
