/**
 * "Pixel Classifier: Predict Workspace…" and "Predict Workspace (force)" (issue #6): pick a project and
 * a glob, then run the shared batch function (extension/batch/predictWorkspace.ts — the same code path
 * as `pixel-classifier predict`, so outputs are byte-identical) with a cancellable progress
 * notification. Each file's result goes to the output channel; failures go to the Problems view and the
 * rest go on. Incremental: up-to-date outputs are skipped unless forced.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { predictWorkspace, type FileResult } from '../batch/predictWorkspace';
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
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(projectFile));
  const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const baseDir = folder?.uri.fsPath ?? path.dirname(projectFile);
  return { baseDir, roots: roots.length ? roots : [baseDir] };
}

/** Runs the batch for `inputs` with progress, output-channel lines and Problems entries. */
export async function runBatch(
  services: CommandServices,
  options: { projectFile: string; inputs: string[]; baseDir: string; roots: string[]; force: boolean; title: string; settings?: Parameters<typeof predictWorkspace>[0]['settings'] },
): Promise<FileResult[] | undefined> {
  const { logger, diagnostics } = services;
  logger.info(`${options.title}: project ${options.projectFile}, ${options.inputs.length} input(s)${options.force ? ', forced' : ''}`);
  for (const input of options.inputs) diagnostics.delete(vscode.Uri.file(input));
  return vscode.window.withProgress(
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
          force: options.force,
          settings: options.settings,
          pool: services.getPool(),
          memoryLimitBytes: services.memoryLimitBytes(),
          signal: abort.signal,
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
              const diagnostic = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), result.error ?? 'prediction failed', vscode.DiagnosticSeverity.Error);
              diagnostic.source = 'Pixel Classifier';
              diagnostics.set(vscode.Uri.file(result.input), [diagnostic]);
            } else logger.info(line);
          },
        });
        const text = summaryText(summary);
        logger.info(text);
        const failed = summary.files.some((f) => f.status === 'error');
        const show = failed ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
        void show(text, 'Show Log').then((a) => a && logger.show());
        return summary.files;
      } catch (e) {
        const message = `${options.title} failed: ${e instanceof Error ? e.message : String(e)}`;
        logger.error(message);
        void vscode.window.showErrorMessage(message, 'Show Log').then((a) => a && logger.show());
        return undefined;
      } finally {
        subscription.dispose();
      }
    },
  );
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
