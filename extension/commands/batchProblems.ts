/**
 * The Problems view entries of batch runs (errors and warnings per input, issue 14 items 1 and 10), kept per
 * project in the workspace state so they survive a reload and stay until the next run of that project.
 */
import * as vscode from 'vscode';
import { pathToUri } from '../editor/pathUri';
import * as path from 'node:path';
import {
  addProblem, emptyProblemsState, parseProblemsState, problemCount, problemsByFile, PROBLEMS_STATE_KEY, startRun, withoutMissingFiles,
  type ProblemsState, type StoredProblem,
} from './problemStore';

/** What {@link BatchProblems} needs of `vscode.Memento`. */
export interface ProblemsMemento {
  get(key: string): unknown;
  update(key: string, value: unknown): Thenable<void>;
}

export class BatchProblems {
  private state: ProblemsState = emptyProblemsState();
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly diagnostics: vscode.DiagnosticCollection, private readonly memento: ProblemsMemento | undefined) {}

  /**
   * Shows the problems kept from earlier sessions (those whose input file still exists).
   * @returns how many were restored
   */
  restore(exists: (file: string) => boolean): number {
    this.state = withoutMissingFiles(parseProblemsState(this.memento?.get(PROBLEMS_STATE_KEY)), exists);
    this.render();
    return problemCount(this.state);
  }

  /** A new run of `project`: its previous problems go (only those of `only` when given, see startRun). */
  begin(project: string, only?: readonly string[]): void {
    this.state = startRun(this.state, project, new Date(), only);
    this.render();
    this.save();
  }

  /** Adds a problem of the current run of `project`. */
  add(project: string, problem: StoredProblem): void {
    this.state = addProblem(this.state, project, problem);
    this.render();
    this.save();
  }

  /** Resolves when the state is written. */
  flush(): Promise<void> {
    return this.saving;
  }

  private save(): void {
    const snapshot = this.state;
    this.saving = this.saving.then(() => this.memento?.update(PROBLEMS_STATE_KEY, snapshot)).then(() => undefined, () => undefined);
  }

  private render(): void {
    this.diagnostics.clear();
    for (const [file, problems] of problemsByFile(this.state)) {
      this.diagnostics.set(pathToUri(file), problems.map((p) => {
        const diagnostic = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), p.message,
          p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
        diagnostic.source = 'Pixel Classifier';
        diagnostic.code = path.basename(p.project);
        return diagnostic;
      }));
    }
  }
}
