/**
 * "Pixel Classifier: Import Labels from Image…" (issue #16): pick a label image of the open image's shape with
 * values 0..N; value k becomes class k (classes created as needed, after a confirmation that names them), as one
 * undoable edit — the same reading rules as `pixel-classifier train --labels`.
 */
import * as vscode from 'vscode';
import { pathToUri } from '../editor/pathUri';
import * as path from 'node:path';
import { maskValues } from '../core/labels/tools/toolEdits';
import { openImage } from '../node/openImage';
import type { CommandServices } from './commandServices';

export async function importLabelsCommand(services: CommandServices): Promise<void> {
  const document = services.activeDocument();
  const shape = document?.shape;
  if (!document || !shape) {
    void vscode.window.showWarningMessage('Open an image in the Pixel Classifier editor first, then import labels for it.');
    return;
  }
  if (vscode.workspace.isTrusted === false) {
    void vscode.window.showWarningMessage('Importing labels is disabled in Restricted Mode: trust the workspace first.');
    return;
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false, openLabel: 'Import Labels', title: `Labels for ${document.fileName} (0 = unlabelled, 1..N = classes)`,
    defaultUri: pathToUri(path.dirname(document.imageFile)),
    filters: { Images: ['tif', 'tiff', 'png', 'h5', 'hdf5'] },
  });
  if (!picked?.length) return;
  const file = picked[0].fsPath;
  const mask = await openImage(file);
  try {
    const s = mask.info.shape;
    if (s.c !== 1) throw new Error(`${path.basename(file)} has ${s.c} channels; a label image has one`);
    if (s.t !== shape.t || s.z !== shape.z || s.y !== shape.y || s.x !== shape.x) {
      throw new Error(`${path.basename(file)} is t=${s.t} z=${s.z} ${s.y}×${s.x}, ${document.fileName} is t=${shape.t} z=${shape.z} ${shape.y}×${shape.x}`);
    }
    const read = (t: number, z: number) => mask.readPlane(t, z, 0);
    const values = await maskValues(s, read);
    const bad = values.find((v) => !Number.isInteger(v) || v < 1 || v > 255);
    if (bad !== undefined) throw new Error(`${path.basename(file)} holds the value ${bad}; label images hold class numbers 0..255`);
    if (values.length === 0) {
      void vscode.window.showInformationMessage(`${path.basename(file)} has no labels (every pixel is 0).`);
      return;
    }
    const classes = document.classes;
    const describe = values.map((v) => `${v} → ${classes[v - 1]?.name ?? `new class Label ${v}`}`).join(', ');
    const ok = await vscode.window.showInformationMessage(
      `Import the labels of ${path.basename(file)} into ${document.fileName}?`,
      { modal: true, detail: `Values ${describe}. Existing labels at those pixels are replaced. You can undo this.` }, 'Import');
    if (ok !== 'Import') return;
    const edit = await document.tools.importMask(read, new Map(values.map((v) => [v, v])), path.basename(file));
    services.logger.info(`${document.fileName}: ${edit ? `imported labels from ${file}` : `nothing to import from ${file}`}`);
  } finally {
    await mask.close();
  }
}
