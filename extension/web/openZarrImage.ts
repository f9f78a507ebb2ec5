/**
 * Opens an OME-Zarr / Zarr store from a workspace path in the browser (counterpart of
 * extension/node/openZarrImage.ts, issue #20): the shared path logic (core/image/zarrPaths.ts) over the platform's
 * file access (`vscode.workspace.fs`) and a store that reads one chunk file per read.
 */
import { zarrPaths } from '../core/image/zarrPaths';
import { folderChunkStore } from './folderChunkStore';
import { webFileAccess } from './webFileAccess';

export { ZARR_METADATA_FILES } from '../core/image/zarrPaths';

const paths = zarrPaths(webFileAccess, folderChunkStore);

/** The Zarr store folder a path refers to (a metadata file → its folder), or `undefined`. */
export const zarrStorePath = paths.zarrStorePath;
/** The metadata file VS Code opens a store folder through, or `undefined`. */
export const zarrEntryFile = paths.zarrEntryFile;
/** Opens the store folder `root`; messages name `root`. */
export const openZarrImage = paths.openZarrImage;
/** Opens `path` as a Zarr image when it is one, else `undefined`. */
export const openZarrPath = paths.openZarrPath;
