/**
 * Just enough of the `vscode` module for testing the command handlers and the editor provider in Node
 * (`vi.mock('vscode', …)`): every window/workspace call is recorded in `calls`, workspace trust is a
 * switch, dialogs answer `undefined` (dismissed).
 */
import * as path from 'node:path';

/** Calls the code under test made, e.g. `window.showWarningMessage`. */
export const calls: { name: string; args: unknown[] }[] = [];
/** Workspace trust as the code under test sees it. */
export const trust = { isTrusted: true };

function record<T>(name: string, result: T) {
  return (...args: unknown[]): T => {
    calls.push({ name, args });
    return result;
  };
}

/** A file URI. */
export class Uri {
  private constructor(readonly scheme: string, readonly fsPath: string) {}
  get path(): string {
    return this.fsPath;
  }
  static file(p: string): Uri {
    return new Uri('file', path.resolve(p));
  }
  static parse(s: string): Uri {
    return new Uri('file', s.replace(/^file:\/\//, ''));
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, path.join(base.fsPath, ...parts));
  }
  toString(): string {
    return `${this.scheme}://${this.fsPath}`;
  }
}

export class RelativePattern {
  constructor(readonly base: Uri, readonly pattern: string) {}
}

export class EventEmitter<T> {
  private listeners: ((e: T) => void)[] = [];
  readonly event = (l: (e: T) => void) => {
    this.listeners.push(l);
    return { dispose: () => { this.listeners = this.listeners.filter((x) => x !== l); } };
  };
  fire(e: T): void {
    for (const l of this.listeners) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

const noEvent = () => ({ dispose: () => undefined });

/** The module object handed to `vi.mock('vscode', …)`. */
export const vscode = {
  Uri,
  RelativePattern,
  EventEmitter,
  ProgressLocation: { Notification: 15 },
  ThemeIcon: class ThemeIcon { constructor(readonly id: string) {} },
  TreeItem: class TreeItem { constructor(readonly label: string) {} },
  DiagnosticSeverity: { Error: 0 },
  workspace: {
    get isTrusted() {
      return trust.isTrusted;
    },
    findFiles: record('workspace.findFiles', Promise.resolve([])),
    getWorkspaceFolder: record('workspace.getWorkspaceFolder', undefined),
    workspaceFolders: undefined,
    createFileSystemWatcher: (...args: unknown[]) => {
      calls.push({ name: 'workspace.createFileSystemWatcher', args });
      return { onDidChange: noEvent, onDidCreate: noEvent, onDidDelete: noEvent, dispose: () => undefined };
    },
    asRelativePath: (p: string) => p,
    getConfiguration: () => ({ get: <T>(_key: string, fallback: T): T => fallback }),
    fs: { isWritableFileSystem: () => true },
    onDidGrantWorkspaceTrust: noEvent,
    onDidChangeConfiguration: noEvent,
  },
  languages: {
    createDiagnosticCollection: () => ({ set: () => undefined, delete: () => undefined, clear: () => undefined, dispose: () => undefined }),
  },
  window: {
    showWarningMessage: record('window.showWarningMessage', Promise.resolve(undefined)),
    showInformationMessage: record('window.showInformationMessage', Promise.resolve(undefined)),
    showErrorMessage: record('window.showErrorMessage', Promise.resolve(undefined)),
    showQuickPick: record('window.showQuickPick', Promise.resolve(undefined)),
    showInputBox: record('window.showInputBox', Promise.resolve(undefined)),
    withProgress: record('window.withProgress', Promise.resolve(undefined)),
    registerCustomEditorProvider: record('window.registerCustomEditorProvider', { dispose: () => undefined }),
    registerTreeDataProvider: record('window.registerTreeDataProvider', { dispose: () => undefined }),
    createOutputChannel: () => {
      const lines: string[] = [];
      return {
        lines, show: () => undefined, dispose: () => undefined,
        info: (m: string) => lines.push(`[info] ${m}`), warn: (m: string) => lines.push(`[warn] ${m}`), error: (m: string) => lines.push(`[error] ${m}`),
      };
    },
  },
  commands: {
    executeCommand: record('commands.executeCommand', Promise.resolve(undefined)),
    registerCommand: record('commands.registerCommand', { dispose: () => undefined }),
  },
};
