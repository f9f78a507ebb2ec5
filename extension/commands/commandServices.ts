/** What the command implementations need from activate(). */
import type * as vscode from 'vscode';
import type { LabelDocument } from '../editor/labelDocument';
import type { DocumentController } from '../editor/documentController';
import type { WorkerPool } from '../workers/workerPool';
import type { BatchProblems } from './batchProblems';

export interface CommandServices {
  logger: vscode.LogOutputChannel;
  getPool(): WorkerPool;
  /** Errors and warnings of batch runs in the Problems view, kept per project until its next run. */
  problems: BatchProblems;
  /** The Pixel Classifier document of the active editor, if any. */
  activeDocument(): LabelDocument | undefined;
  controller(document: LabelDocument): DocumentController | undefined;
  /** Memory limit for batch prediction (bytes). */
  memoryLimitBytes(): number;
  /** The extension's version (written to provenance). */
  extensionVersion?(): string;
}
