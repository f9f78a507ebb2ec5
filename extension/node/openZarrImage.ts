/**
 * Opens an OME-Zarr / Zarr store from a local path on Node (issue #13): the shared path logic
 * (core/image/zarrPaths.ts) over `fs.promises` and `node:path`, reading chunks with `fs` (folderChunkStore.ts).
 */
import { zarrPaths } from '../core/image/zarrPaths';
import { folderChunkStore } from './folderChunkStore';
import { nodeFileAccess } from './nodePlatform';

export { ZARR_METADATA_FILES } from '../core/image/zarrPaths';

const paths = zarrPaths(nodeFileAccess, folderChunkStore);

/** The Zarr store folder a path refers to (a metadata file → its folder), or `undefined`. */
export const zarrStorePath = paths.zarrStorePath;
/** The metadata file VS Code opens a store folder through, or `undefined`. */
export const zarrEntryFile = paths.zarrEntryFile;
/** Opens the store folder `root`; messages name `root`. */
export const openZarrImage = paths.openZarrImage;
/** Opens `path` as a Zarr image when it is one, else `undefined`. */
export const openZarrPath = paths.openZarrPath;
