/**
 * Opens an OME-Zarr / Zarr store from a local path (issue #13): the `.zarr` / `.ome.zarr` folder itself, any folder
 * holding `zarr.json`, `.zgroup` or `.zarray`, or one of those metadata files (or `.zattrs`) inside it — how VS Code
 * hands over an OME-Zarr opened from its metadata file.
 *
 * The browser's copy of extension/node/openZarrImage.ts (issue #20): the same logic over the platform's file access
 * (`vscode.workspace.fs`) and a store that reads one chunk file per read.
 */
import { files } from '../core/platform/platform';
import { basename, dirname } from './posixPath';
import { ImageError, type ImageOpenOptions, type ImageSource } from '../core/image/imageModel';
import { openZarrImageSource } from '../core/image/zarrImageSource';
import { folderChunkStore } from './folderChunkStore';

/** Metadata files that name their folder as a Zarr node. */
export const ZARR_METADATA_FILES: readonly string[] = ['zarr.json', '.zattrs', '.zgroup', '.zarray'];

const isDirectory = async (path: string) => (await files.stat(path).catch(() => undefined))?.isDirectory() ?? false;
const isFile = async (path: string) => (await files.stat(path).catch(() => undefined))?.isFile() ?? false;

/**
 * The Zarr store folder a path refers to, or `undefined` when it is not one: a metadata file → its folder; a folder
 * named `*.zarr` or holding Zarr metadata → itself.
 */
export async function zarrStorePath(path: string): Promise<string | undefined> {
  const trimmed = path.replace(/[\\/]+$/, '');
  if (ZARR_METADATA_FILES.includes(basename(trimmed))) return (await isFile(trimmed)) ? dirname(trimmed) : undefined;
  if (!(await isDirectory(trimmed))) return undefined;
  if (/\.zarr$/i.test(trimmed)) return trimmed;
  for (const file of ['zarr.json', '.zgroup', '.zarray']) if (await isFile(`${trimmed}/${file}`)) return trimmed;
  return undefined;
}

/**
 * The metadata file VS Code opens a store folder through (the custom editor's selector names them):
 * `zarr.json`, else `.zattrs`, `.zgroup` or `.zarray`; `undefined` when the folder has none.
 */
export async function zarrEntryFile(folder: string): Promise<string | undefined> {
  for (const file of ['zarr.json', '.zattrs', '.zgroup', '.zarray']) if (await isFile(`${folder}/${file}`)) return `${folder}/${file}`;
  return undefined;
}

/** Opens the store folder `root` (from {@link zarrStorePath}); messages name `root`. */
export function openZarrImage(root: string, options: ImageOpenOptions = {}): Promise<ImageSource> {
  return openZarrImageSource(folderChunkStore(root), root, options);
}

/** Opens `path` as a Zarr image when it is one ({@link zarrStorePath}), else `undefined`. */
export async function openZarrPath(path: string, options: ImageOpenOptions = {}): Promise<ImageSource | undefined> {
  const root = await zarrStorePath(path);
  if (!root) {
    if (/\.zarr[\\/]*$/i.test(path) && !(await isDirectory(path))) throw new ImageError(path, (await files.stat(path).catch(() => undefined)) ? 'is not a Zarr folder' : 'file not found');
    return undefined;
  }
  return openZarrImage(root, options);
}
