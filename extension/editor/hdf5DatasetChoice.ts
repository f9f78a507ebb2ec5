/**
 * Which dataset of an HDF5 file the editor opens (issue #13/#17): the one a caller asked for (opening an imported
 * project's `file.h5/dataset` image, a "Label Here Next" entry), else the only image dataset or ilastik's
 * `exported_data`, else the user picks from a list.
 */
import * as vscode from 'vscode';
import { pathToUri } from './pathUri';
import * as path from 'node:path';
import { isHdf5Name, splitHdf5Path } from '../core/image/hdf5Path';
import { listImageDatasets } from '../node/openHdf5Image';
import { zarrEntryFile, zarrStorePath } from '../node/openZarrImage';

const requested = new Map<string, string>();

/** Opens `imagePath` (a file, `file.h5/dataset`, or an OME-Zarr folder) in the Pixel Classifier editor. */
export async function openImageInEditor(imagePath: string): Promise<void> {
  // An OME-Zarr folder opens through its metadata file (a custom editor opens files, not folders).
  const zarrEntry = /\.zarr[\\/]*$/i.test(imagePath) ? await zarrEntryFile(imagePath.replace(/[\\/]+$/, '')) : undefined;
  if (zarrEntry) {
    await vscode.commands.executeCommand('vscode.openWith', pathToUri(zarrEntry), 'pixelClassifier.labelEditor');
    return;
  }
  const hdf5 = splitHdf5Path(imagePath);
  const file = hdf5?.file ?? imagePath;
  if (hdf5?.dataset) requested.set(path.resolve(file), hdf5.dataset);
  const viewType = /\.(tiff?|h5|hdf5|hdf)$/i.test(file) ? 'pixelClassifier.labelEditor' : 'pixelClassifier.labelEditor.option';
  await vscode.commands.executeCommand('vscode.openWith', pathToUri(file), viewType);
}

/**
 * The image path the editor should open for `fsPath`: the store folder for an OME-Zarr metadata file
 * (`img.ome.zarr/.zattrs` → `img.ome.zarr`); unchanged for other non-HDF5 files; `file.h5/dataset` for HDF5
 * files (asking when several datasets qualify). Undefined when the user cancels the choice.
 */
export async function chooseImagePath(fsPath: string): Promise<string | undefined> {
  if (!isHdf5Name(fsPath)) return (await zarrStorePath(fsPath)) ?? fsPath;
  const asked = requested.get(path.resolve(fsPath));
  if (asked) {
    requested.delete(path.resolve(fsPath));
    return `${fsPath}${asked}`;
  }
  let datasets: { path: string; shape: number[]; dtype: string }[];
  try {
    datasets = await listImageDatasets(fsPath);
  } catch {
    return fsPath; // unreadable: opening it reports the reason in the editor
  }
  if (datasets.length === 0) return fsPath;
  const exported = datasets.find((d) => d.path === '/exported_data');
  if (datasets.length === 1 || exported) return `${fsPath}${(exported ?? datasets[0]).path}`;
  const pick = await vscode.window.showQuickPick(
    datasets.map((d) => ({ label: d.path.slice(1), description: `${d.shape.join('×')} ${d.dtype}`, dataset: d.path })),
    { title: `${path.basename(fsPath)} holds several images: which one to open?`, ignoreFocusOut: true },
  );
  return pick ? `${fsPath}${pick.dataset}` : undefined;
}
