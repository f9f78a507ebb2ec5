/**
 * The "Label Here Next" view (issue #16): after each training of the active editor's classifier, ranks the
 * regions of every image of its project by mean uncertainty (extension/batch/suggestRegions.ts) in the
 * background — cancelled by the next training, at the lowest worker priority, capped by the setting
 * `pixelClassifier.labelHereNext.maxPatches` — and lists them with a class-balance hint. Clicking an entry opens
 * the image, navigates there and outlines the region.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { suggestRegions, type Suggestion, type SuggestResult } from '../batch/suggestRegions';
import type { LabelDocument } from '../editor/labelDocument';
import type { DocumentController } from '../editor/documentController';
import { openImageInEditor } from '../editor/hdf5DatasetChoice';
import type { CommandServices } from './commandServices';

/** A row of the view. */
type Entry =
  | { kind: 'suggestion'; rank: number; projectFile: string; suggestion: Suggestion }
  | { kind: 'note'; text: string; tooltip?: string };

/** Worker priority below the live loop's (lower runs later). */
const BACKGROUND_PRIORITY = -10;

export class LabelHereNextView implements vscode.TreeDataProvider<Entry>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private result: { projectFile: string; value: SuggestResult } | undefined;
  private state: 'empty' | 'computing' | 'error' | 'off' = 'empty';
  private error = '';
  private running: AbortController | undefined;
  private readonly watched = new WeakSet<LabelDocument>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly services: CommandServices, private readonly maxPatches: () => number) {}

  /** Follows a document's trainings (called when its controller is created). */
  watch(document: LabelDocument, controller: DocumentController): void {
    if (this.watched.has(document)) return;
    this.watched.add(document);
    const sub = controller.onDidTrain(() => {
      if (this.services.activeDocument() === document) void this.refresh(document);
    });
    this.subscriptions.push({ dispose: () => sub.dispose() });
  }

  /** Recomputes the ranking for `document`'s project (cancelling a run in progress). */
  async refresh(document = this.services.activeDocument()): Promise<void> {
    this.running?.abort();
    if (!document || !document.projectFile) return;
    const budget = this.maxPatches();
    if (budget <= 0) {
      this.state = 'off';
      this.changed.fire();
      return;
    }
    const abort = new AbortController();
    this.running = abort;
    this.state = 'computing';
    this.changed.fire();
    try {
      const project = await document.snapshot();
      const live = this.services.controller(document)?.live;
      const model = live?.currentModel?.();
      const value = await suggestRegions(project, document.projectFile, {
        top: 20, maxPatches: budget, pool: this.services.getPool(), priority: BACKGROUND_PRIORITY, signal: abort.signal,
        allowedRoots: [path.dirname(document.projectFile), ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath)],
        ...(model ? { classifier: { forestBytes: model.bytes, trainingHash: model.hash } } : {}),
      });
      if (abort.signal.aborted) return;
      this.result = { projectFile: document.projectFile, value };
      this.state = 'empty';
      for (const line of value.skipped) this.services.logger.warn(`Label Here Next skipped ${line}`);
    } catch (e) {
      if (abort.signal.aborted) return;
      this.state = 'error';
      this.error = e instanceof Error ? e.message : String(e);
      this.services.logger.warn(`Label Here Next: ${this.error}`);
    } finally {
      if (this.running === abort) this.running = undefined;
      this.changed.fire();
    }
  }

  getTreeItem(entry: Entry): vscode.TreeItem {
    if (entry.kind === 'note') {
      const item = new vscode.TreeItem(entry.text);
      item.tooltip = entry.tooltip ?? entry.text;
      item.iconPath = new vscode.ThemeIcon('info');
      return item;
    }
    const s = entry.suggestion;
    const item = new vscode.TreeItem(`${entry.rank}. ${path.posix.basename(s.image)}`);
    item.description = `x ${s.box.column}–${s.box.column + s.box.width - 1}, y ${s.box.row}–${s.box.row + s.box.height - 1}${s.z > 0 ? `, z ${s.z}` : ''}${s.t > 0 ? `, t ${s.t}` : ''} · ${(100 * s.score).toFixed(0)}%`;
    item.tooltip = `${s.image}: mean uncertainty ${s.score.toFixed(3)} in this region — a label here would help the classifier most`;
    item.iconPath = new vscode.ThemeIcon('target');
    item.command = { command: 'pixelClassifier.revealSuggestion', title: 'Go There', arguments: [entry.projectFile, s] };
    return item;
  }

  getChildren(entry?: Entry): Entry[] {
    if (entry) return [];
    if (this.state === 'off') return [{ kind: 'note', text: 'Off (pixelClassifier.labelHereNext.maxPatches is 0)' }];
    if (this.state === 'computing') return [{ kind: 'note', text: 'Ranking regions…' }];
    if (this.state === 'error') return [{ kind: 'note', text: `Not available: ${this.error}`, tooltip: this.error }];
    if (!this.result) return [{ kind: 'note', text: 'Train a classifier (paint two classes) to see where to label next.' }];
    const { projectFile, value } = this.result;
    const hints: Entry[] = value.hints.map((h) => ({ kind: 'note', text: `Hint: ${h}` }));
    return [...hints, ...value.suggestions.map((suggestion, i) => ({ kind: 'suggestion' as const, rank: i + 1, projectFile, suggestion }))];
  }

  dispose(): void {
    this.running?.abort();
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

/** Opens the suggestion's image (if another one is active), then navigates there and outlines the region. */
export async function revealSuggestion(services: CommandServices, projectFile: string, s: Suggestion): Promise<void> {
  const imagePath = path.resolve(path.dirname(projectFile), ...s.image.split('/'));
  let document = services.activeDocument();
  if (!document || path.resolve(document.imagePath) !== imagePath) {
    await openImageInEditor(imagePath);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      document = services.activeDocument();
      if (document && path.resolve(document.imagePath) === imagePath) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (!document) throw new Error(`${path.basename(imagePath)} did not open`);
  // Give a freshly opened webview time to initialise; navigate is idempotent, so sending it twice is harmless.
  const controller = services.controller(document);
  controller?.broadcast({ type: 'view/navigate', t: s.t, z: s.z, box: s.box });
  setTimeout(() => controller?.broadcast({ type: 'view/navigate', t: s.t, z: s.z, box: s.box }), 1500);
}
