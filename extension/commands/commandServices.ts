/** What the command implementations need from activate(). */
import type * as vscode from 'vscode';
import type { LabelDocument } from '../editor/labelDocument';
import type { DocumentController } from '../editor/documentController';
import type { WorkerPool } from '../workers/workerPool';

export interface CommandServices {
  logger: vscode.LogOutputChannel;
  getPool(): WorkerPool;
  /** Failures of batch runs, one diagnostic per failed input. */
  diagnostics: vscode.DiagnosticCollection;
  /** The Pixel Classifier document of the active editor, if any. */
  activeDocument(): LabelDocument | undefined;
  controller(document: LabelDocument): DocumentController | undefined;
  /** Memory limit for batch prediction (bytes). */
  memoryLimitBytes(): number;
}
