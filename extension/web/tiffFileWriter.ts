/**
 * Streams a TIFF to a file plane by plane or band by band in the browser (counterpart of
 * extension/node/tiffFileWriter.ts, issue #20): the shared writer (core/image/tiffFileWriter.ts) over the platform's
 * file handle (`vscode.workspace.fs`, which buffers the file and writes it whole on close) and fflate's deflate.
 */
import { tiffFileWriting, type TiffFileWriter } from '../core/image/tiffFileWriter';
import { nodeDeflate } from './nodeCodecs';
import { webFileAccess } from './webFileAccess';

const writing = tiffFileWriting(webFileAccess.fs, nodeDeflate);

/** A TIFF file being written: {@link TiffFileWriter}. */
export type TiffStreamWriter = TiffFileWriter;

/** Opens TIFF files for writing: `create` truncates the file and writes the header; deflate uses fflate. */
export const TiffStreamWriter = { create: writing.create };

/** Writes a whole TIFF file from planes (see {@link TiffFileWriter} for the page order). */
export const writeTiffFile = writing.writeTiffFile;
