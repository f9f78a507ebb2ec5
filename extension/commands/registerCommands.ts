/** Registers the Pixel Classifier commands (called once from activate). */
import * as vscode from 'vscode';
import { guardCommand } from './guardCommand';
import type { CommandServices } from './commandServices';
import { predictWorkspaceCommand } from './predictWorkspaceCommand';
import { exportCommand } from './exportCommand';
import { importIlastikCommand } from './importIlastikCommand';
import { importLabelsCommand } from './importLabelsCommand';
import { openZarrCommand } from './openZarrCommand';

/** Every command of package.json `contributes.commands`. */
export function registerCommands(services: CommandServices): vscode.Disposable[] {
  const guard = (name: string, run: () => Promise<unknown>) => guardCommand(services.logger, name, run);
  return [
    vscode.commands.registerCommand('pixelClassifier.predictWorkspace', guard('Predict Workspace', () => predictWorkspaceCommand(services, false))),
    vscode.commands.registerCommand('pixelClassifier.predictWorkspaceForce', guard('Predict Workspace (force)', () => predictWorkspaceCommand(services, true))),
    vscode.commands.registerCommand('pixelClassifier.export', guard('Export', () => exportCommand(services))),
    vscode.commands.registerCommand('pixelClassifier.goToMostUncertain', guard('Go to Most Uncertain Region', async () => {
      const document = services.activeDocument();
      const live = document && services.controller(document)?.live;
      if (!document || !live) {
        void vscode.window.showWarningMessage('Open an image in the Pixel Classifier editor first.');
        return;
      }
      await live.goToMostUncertain();
    })),
    vscode.commands.registerCommand('pixelClassifier.importIlastik', guard('Import ilastik Project', () => importIlastikCommand(services))),
    vscode.commands.registerCommand('pixelClassifier.importLabels', guard('Import Labels from Image', () => importLabelsCommand(services))),
    vscode.commands.registerCommand('pixelClassifier.showOutput', () => services.logger.show()),
    vscode.commands.registerCommand('pixelClassifier.openInPixelClassifier', (folder?: vscode.Uri) => guard('Open in Pixel Classifier', () => openZarrCommand(folder))()),
  ];
}
