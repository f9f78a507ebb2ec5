/**
 * "Pixel Classifier: Import ilastik Project…" (issue #17): pick a `.ilp`, import it beside it (or, when that
 * project exists, under a name the user confirms), report what came over and what did not in the log and one
 * summary, then open the first imported image in the Pixel Classifier editor with its labels.
 */
import * as vscode from 'vscode';
import { pathToUri } from '../editor/pathUri';
import * as path from 'node:path';
import { files as fs } from '../core/platform/platform';
import { importIlastikProject } from '../batch/importIlastik';
import { PROJECT_SUFFIX } from '../project/projectSchema';
import type { CommandServices } from './commandServices';
import { openImageInEditor } from '../editor/hdf5DatasetChoice';


export async function importIlastikCommand(services: CommandServices): Promise<void> {
  if (vscode.workspace.isTrusted === false) {
    void vscode.window.showWarningMessage('Import ilastik Project is disabled in Restricted Mode: trust the workspace first.');
    return;
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false, openLabel: 'Import', title: 'Import an ilastik Pixel Classification project',
    filters: { 'ilastik project': ['ilp'] }, defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  if (!picked || picked.length === 0) return;
  const ilp = picked[0].fsPath;
  let output = path.join(path.dirname(ilp), path.basename(ilp).replace(/\.ilp$/i, '') + PROJECT_SUFFIX);
  let force = false;
  if (await fs.stat(output).then(() => true, () => false)) {
    const replace = 'Replace';
    const other = 'Choose Another Name…';
    const choice = await vscode.window.showWarningMessage(`${path.basename(output)} exists.`, { modal: true, detail: 'Replace it with the imported project, or save the import under another name?' }, replace, other);
    if (choice === replace) force = true;
    else if (choice === other) {
      const target = await vscode.window.showSaveDialog({ defaultUri: pathToUri(output), filters: { 'Pixel Classifier project': ['pixelclass.json'] } });
      if (!target) return;
      output = target.fsPath.endsWith(PROJECT_SUFFIX) ? target.fsPath : target.fsPath.replace(/(\.json)?$/, PROJECT_SUFFIX);
      force = true;
    } else return;
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Importing ${path.basename(ilp)}…` },
    () => importIlastikProject(ilp, { output, force, extensionVersion: services.extensionVersion?.() }),
  );
  services.logger.info(`Imported ${ilp} (ilastik ${result.ilastikVersion}) → ${result.projectFile}: ${result.classes} classes, ` +
    result.images.map((i) => `${i.path} (${i.labelledPixels} labelled pixels${i.extracted ? ', extracted' : ''})`).join(', '));
  for (const line of result.notImported) services.logger.warn(`Not imported from ${path.basename(ilp)}: ${line}`);
  const first = result.images[0];
  if (first) {
    const dir = path.dirname(result.projectFile);
    const imagePath = path.resolve(dir, ...first.path.split('/'));
    await openImageInEditor(imagePath);
  }
  const summary = `Imported ${path.basename(ilp)} as ${path.basename(result.projectFile)}: ${result.classes} classes, ${result.images.length} image(s)` +
    (result.notImported.length ? `; ${result.notImported.length} thing(s) did not come over (see the log).` : '.');
  const showLog = 'Show Log';
  const choice = await (result.notImported.length ? vscode.window.showWarningMessage(summary, showLog) : vscode.window.showInformationMessage(summary));
  if (choice === showLog) services.logger.show();
}
