/**
 * "Pixel Classifier: Predict Workspace…" and "Predict Workspace (force)" (issue #6): pick a project and
 * a glob, then run the shared batch function (extension/batch/predictWorkspace.ts — the same code path
 * as `pixel-classifier predict`, so outputs are byte-identical) with one cancellable progress
 * notification that ends as one summary. Each file's result goes to the output channel; failures and
 * warnings go to the Problems view (kept until the next run) and the rest go on. Incremental: up-to-date
 * outputs are skipped unless forced.
 */
import { ANYWHERE } from '../project/projectPaths';
import * as vscode from 'vscode';
import { pathToUri } from '../editor/pathUri';
import * as path from 'node:path';
import { predictWorkspace, type BatchSummary, type PredictWorkspaceOptions } from '../batch/predictWorkspace';
import { expandInputs } from '../batch/expandInputs';
import { PROJECT_SUFFIX } from '../project/projectSchema';
import { defaultGlob, fileLine, parseGlobs, summaryText } from './batchReport';
import type { CommandServices } from './commandServices';

/** Picks one of the workspace's projects (the active editor's first). */
export async function pickProject(services: CommandServices): Promise<string | undefined> {
  const found = await vscode.workspace.findFiles(`**/*${PROJECT_SUFFIX}`, '**/node_modules/**', 500);
  const active = services.activeDocument();
  const files = found.map((u) => u.fsPath);
  if (active?.projectFile && !files.includes(active.projectFile)) files.unshift(active.projectFile);
  if (files.length === 0) {
    void vscode.window.showWarningMessage('No Pixel Classifier project (*.pixelclass.json) in this workspace. Label an image and save first.');
    return undefined;
  }
  files.sort((a, b) => (a === active?.projectFile ? -1 : b === active?.projectFile ? 1 : a.localeCompare(b)));
  if (files.length === 1) return files[0];
  const pick = await vscode.window.showQuickPick(
    files.map((f) => ({ label: path.basename(f), description: vscode.workspace.asRelativePath(path.dirname(f)), file: f })),
    { title: 'Predict Workspace: project', placeHolder: 'Which project?' },
  );
  return pick?.file;
}

/** Folder relative globs and outputs are resolved against: the workspace folder holding the project. */
export function baseDirOf(projectFile: string): { baseDir: string; roots: string[] } {
  const folder = vscode.workspace.getWorkspaceFolder(pathToUri(projectFile));
  const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const baseDir = folder?.uri.fsPath ?? path.dirname(projectFile);
  return { baseDir, roots: roots.length ? roots : [baseDir] };
}

/** What a finished run shows: one notification (issue 14 item 8: one progress notification, then one summary). */
export interface RunSummary {
  text: string;
  severity: 'info' | 'warning' | 'error';
  /** Buttons besides "Show Log". */
  actions?: { title: string; run: () => unknown }[];
}

/** Options of {@link runBatch}. */
export interface RunBatchOptions {
  projectFile: string;
  inputs: string[];
  baseDir: string;
  roots: string[];
  force: boolean;
  title: string;
  settings?: PredictWorkspaceOptions['settings'];
  onConflict?: PredictWorkspaceOptions['onConflict'];
  /** The run covers only these images (Export): other images keep their Problems entries of earlier runs. */
  partial?: boolean;
  /** The summary notification of a finished run. @default summaryText with "Show Log" */
  summarize?: (summary: BatchSummary) => RunSummary;
}

/**
 * Runs the batch for `inputs` with one cancellable progress notification that ends as one summary
 * notification; per-file lines go to the output channel, errors and warnings to the Problems view, where they
 * stay (across reloads) until the next run of the project.
 */
export async function runBatch(services: CommandServices, options: RunBatchOptions): Promise<BatchSummary | undefined> {
  const { logger, problems } = services;
  logger.info(`${options.title}: project ${options.projectFile}, ${options.inputs.length} input(s)${options.force ? ', forced' : ''}`);
  problems.begin(options.projectFile, options.partial ? options.inputs : undefined);
  let outcome: { summary: BatchSummary } | { error: string };
  try {
    outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: options.title, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const subscription = token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        try {
          const summary = await predictWorkspace({
            projectFile: options.projectFile,
            inputs: options.inputs,
            baseDir: options.baseDir,
            allowedRoots: options.roots,
            // The commands run only in trusted workspaces: the project's images may live anywhere (issue #19).
            imageRoots: ANYWHERE,
            force: options.force,
            settings: options.settings,
            pool: services.getPool(),
            memoryLimitBytes: services.memoryLimitBytes(),
            signal: abort.signal,
            onConflict: options.onConflict,
            onMessage: (m) => logger.info(m),
            onProgress: ({ input, index, total, fraction }) => {
              const increment = Math.max(0, fraction * 100 - reported);
              reported += increment;
              progress.report({ increment, message: `${index + 1}/${total}: ${path.basename(input)}` });
            },
            onFileDone: (result) => {
              const line = fileLine(result, options.baseDir);
              if (result.status === 'error') {
                logger.error(line);
                problems.add(options.projectFile, { file: result.input, severity: 'error', message: result.error ?? 'prediction failed' });
              } else if (result.warnings?.length) logger.warn(line);
              else logger.info(line);
              for (const warning of result.warnings ?? []) problems.add(options.projectFile, { file: result.input, severity: 'warning', message: warning });
            },
          });
          return { summary };
        } finally {
          subscription.dispose();
        }
      },
    );
  } catch (e) {
    outcome = { error: e instanceof Error ? e.message : String(e) };
  }
  await problems.flush();
  if (!outcome) return undefined;
  if ('error' in outcome) {
    const message = `${options.title} failed: ${outcome.error}`;
    logger.error(message);
    void vscode.window.showErrorMessage(message, 'Show Log').then((a) => a && logger.show());
    return undefined;
  }
  const { summary } = outcome;
  logger.info(summaryText(summary));
  const kept = summary.files.filter((f) => f.status === 'error' || f.warnings?.length).length;
  if (kept) {
    logger.info(`The errors and warnings of this run are in the Problems view (View › Problems); they stay there, also after a reload, until the next run of ${path.basename(options.projectFile)}.`);
  }
  const shown = options.summarize?.(summary) ?? {
    text: summaryText(summary),
    severity: summary.files.some((f) => f.status === 'error') ? 'warning' : summary.warnings.length ? 'warning' : 'info',
  };
  const show = shown.severity === 'error' ? vscode.window.showErrorMessage : shown.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const actions = [...(shown.actions ?? []), { title: 'Show Log', run: () => logger.show() }];
  void show(shown.text, ...actions.map((a) => a.title)).then((picked) => actions.find((a) => a.title === picked)?.run());
  return summary;
}

/** The command handler. */
export async function predictWorkspaceCommand(services: CommandServices, force: boolean): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Predict Workspace is disabled in Restricted Mode: trust the workspace first.');
    return;
  }
  const projectFile = await pickProject(services);
  if (!projectFile) return;
  const { baseDir, roots } = baseDirOf(projectFile);
  const glob = await vscode.window.showInputBox({
    title: `Predict Workspace${force ? ' (force)' : ''}: images`,
    prompt: `Glob(s) relative to ${path.basename(baseDir)}; separate several with ";". Exports of earlier runs are left out.`,
    value: defaultGlob(projectFile, baseDir),
    validateInput: (v) => (parseGlobs(v).length === 0 ? 'Enter at least one glob or path' : undefined),
  });
  if (glob === undefined) return;
  const { files, unmatched } = await expandInputs(parseGlobs(glob), baseDir);
  if (unmatched.length) services.logger.info(`No match for ${unmatched.join(', ')}`);
  if (files.length === 0) {
    void vscode.window.showWarningMessage(`No images match ${glob}.`);
    return;
  }
  await runBatch(services, { projectFile, inputs: files, baseDir, roots, force, title: `Predict Workspace${force ? ' (force)' : ''}` });
}
