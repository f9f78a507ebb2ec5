/**
 * Streams a TIFF to a file plane by plane or band by band on Node: the shared writer (core/image/tiffFileWriter.ts)
 * over `fs.promises`, whose handles have descriptors (so {@link TiffFileWriter.inPlaceTarget} lets worker threads
 * write rows in place), with node:zlib's deflate.
 */
import { tiffFileWriting, type TiffFileWriter } from '../core/image/tiffFileWriter';
import { nodeDeflate } from './nodeCodecs';
import { nodeFileAccess } from './nodePlatform';

const writing = tiffFileWriting(nodeFileAccess.fs, nodeDeflate);

/** A TIFF file being written: {@link TiffFileWriter}. */
export type TiffStreamWriter = TiffFileWriter;

/** Opens TIFF files for writing: `create` truncates the file and writes the header; deflate uses node:zlib. */
export const TiffStreamWriter = { create: writing.create };

/** Writes a whole TIFF file from planes (see {@link TiffFileWriter} for the page order). */
export const writeTiffFile = writing.writeTiffFile;
