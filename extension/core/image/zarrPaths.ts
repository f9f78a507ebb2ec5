/**
 * Opening an OME-Zarr / Zarr store from a local path (issue #13): the `.zarr` / `.ome.zarr` folder itself, any folder
 * holding `zarr.json`, `.zgroup` or `.zarray`, or one of those metadata files (or `.zattrs`) inside it — how VS Code
 * hands over an OME-Zarr opened from its metadata file. Platform-neutral: the Node and browser adaptors
 * (extension/node|web/openZarrImage.ts) hand it their file access and chunk store.
 */
import type { FileAccess } from '../platform/fileAccess';
import type { ChunkStore } from './chunkStore';
import { ImageError, type ImageOpenOptions, type ImageSource } from './imageModel';
import { openZarrImageSource } from './zarrImageSource';

/** Metadata files that name their folder as a Zarr node. */
export const ZARR_METADATA_FILES: readonly string[] = ['zarr.json', '.zattrs', '.zgroup', '.zarray'];

/** Zarr stores by path on one platform (what extension/node|web/openZarrImage.ts export). */
export interface ZarrPaths {
  /**
   * The Zarr store folder a path refers to, or `undefined` when it is not one: a metadata file → its folder; a folder
   * named `*.zarr` or holding Zarr metadata → itself.
   */
  zarrStorePath(path: string): Promise<string | undefined>;
  /**
   * The metadata file VS Code opens a store folder through (the custom editor's selector names them):
   * `zarr.json`, else `.zattrs`, `.zgroup` or `.zarray`; `undefined` when the folder has none.
   */
  zarrEntryFile(folder: string): Promise<string | undefined>;
  /** Opens the store folder `root` (from {@link zarrStorePath}); messages name `root`. */
  openZarrImage(root: string, options?: ImageOpenOptions): Promise<ImageSource>;
  /** Opens `path` as a Zarr image when it is one ({@link zarrStorePath}), else `undefined`. */
  openZarrPath(path: string, options?: ImageOpenOptions): Promise<ImageSource | undefined>;
}

/** Zarr stores found through `access` and read through `chunkStore(root)`. */
export function zarrPaths({ fs, path: { basename, dirname } }: FileAccess, chunkStore: (root: string) => ChunkStore): ZarrPaths {
  const isDirectory = async (path: string) => (await fs.stat(path).catch(() => undefined))?.isDirectory() ?? false;
  const isFile = async (path: string) => (await fs.stat(path).catch(() => undefined))?.isFile() ?? false;

  const zarrStorePath = async (path: string): Promise<string | undefined> => {
    const trimmed = path.replace(/[\\/]+$/, '');
    if (ZARR_METADATA_FILES.includes(basename(trimmed))) return (await isFile(trimmed)) ? dirname(trimmed) : undefined;
    if (!(await isDirectory(trimmed))) return undefined;
    if (/\.zarr$/i.test(trimmed)) return trimmed;
    for (const file of ['zarr.json', '.zgroup', '.zarray']) if (await isFile(`${trimmed}/${file}`)) return trimmed;
    return undefined;
  };
  const openZarrImage = (root: string, options: ImageOpenOptions = {}): Promise<ImageSource> => openZarrImageSource(chunkStore(root), root, options);

  return {
    zarrStorePath,
    async zarrEntryFile(folder) {
      for (const file of ZARR_METADATA_FILES) if (await isFile(`${folder}/${file}`)) return `${folder}/${file}`;
      return undefined;
    },
    openZarrImage,
    async openZarrPath(path, options = {}) {
      const root = await zarrStorePath(path);
      if (!root) {
        if (/\.zarr[\\/]*$/i.test(path) && !(await isDirectory(path))) throw new ImageError(path, (await fs.stat(path).catch(() => undefined)) ? 'is not a Zarr folder' : 'file not found');
        return undefined;
      }
      return openZarrImage(root, options);
    },
  };
}
