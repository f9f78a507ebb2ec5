/**
 * The browser bundle resolves each extension/node/<m> to extension/web/<m> (esbuild.mjs, issue #20): every such web
 * module must export what its Node module exports, with compatible types (checked by tsc on this file) and the same
 * runtime names (checked below).
 */
import { describe, expect, it } from 'vitest';
import * as nodeFileByteSource from '../../extension/node/fileByteSource';
import * as nodeFolderChunkStore from '../../extension/node/folderChunkStore';
import * as nodeHdf5File from '../../extension/node/hdf5File';
import * as nodeHdf5Writer from '../../extension/node/hdf5Writer';
import * as nodeCodecs from '../../extension/node/nodeCodecs';
import * as nodeRuntime from '../../extension/node/nodeRuntime';
import * as nodeSha256 from '../../extension/node/sha256FileOffThread';
import * as nodeWriteAt from '../../extension/node/writeAtPosition';
import * as nodeOpenHdf5Image from '../../extension/node/openHdf5Image';
import * as nodeOpenImage from '../../extension/node/openImage';
import * as nodeOpenZarrImage from '../../extension/node/openZarrImage';
import * as nodeTiffFileWriter from '../../extension/node/tiffFileWriter';
import * as nodeWorkerThreads from '../../extension/node/workerThreads';
import * as nodeZarrDirectoryStore from '../../extension/node/zarrDirectoryStore';
import * as webFileByteSource from '../../extension/web/fileByteSource';
import * as webFolderChunkStore from '../../extension/web/folderChunkStore';
import * as webHdf5File from '../../extension/web/hdf5File';
import * as webHdf5Writer from '../../extension/web/hdf5Writer';
import * as webCodecs from '../../extension/web/nodeCodecs';
import * as webRuntime from '../../extension/web/nodeRuntime';
import * as webSha256 from '../../extension/web/sha256FileOffThread';
import * as webWriteAt from '../../extension/web/writeAtPosition';
import * as webOpenHdf5Image from '../../extension/web/openHdf5Image';
import * as webOpenImage from '../../extension/web/openImage';
import * as webOpenZarrImage from '../../extension/web/openZarrImage';
import * as webTiffFileWriter from '../../extension/web/tiffFileWriter';
import * as webZarrDirectoryStore from '../../extension/web/zarrDirectoryStore';

// Type parity: each web export can stand where the Node export is used.
const typeChecks = {
  openFileByteSource: webFileByteSource.openFileByteSource satisfies typeof nodeFileByteSource.openFileByteSource,
  folderChunkStore: webFolderChunkStore.folderChunkStore satisfies typeof nodeFolderChunkStore.folderChunkStore,
  openHdf5: webHdf5File.openHdf5 satisfies typeof nodeHdf5File.openHdf5,
  createHdf5DatasetWriter: webHdf5Writer.createHdf5DatasetWriter satisfies typeof nodeHdf5Writer.createHdf5DatasetWriter,
  nodeInflate: webCodecs.nodeInflate satisfies typeof nodeCodecs.nodeInflate,
  nodeDeflate: webCodecs.nodeDeflate satisfies typeof nodeCodecs.nodeDeflate,
  nodeCodecs: webCodecs.nodeCodecs satisfies typeof nodeCodecs.nodeCodecs,
  setMaxListeners: webRuntime.setMaxListeners satisfies typeof nodeRuntime.setMaxListeners,
  sha256FileOffThread: webSha256.sha256FileOffThread satisfies typeof nodeSha256.sha256FileOffThread,
  writeAtPosition: webWriteAt.writeAtPosition satisfies typeof nodeWriteAt.writeAtPosition,
  measureMemory: webRuntime.measureMemory satisfies typeof nodeRuntime.measureMemory,
  listImageDatasets: webOpenHdf5Image.listImageDatasets satisfies typeof nodeOpenHdf5Image.listImageDatasets,
  openHdf5Image: webOpenHdf5Image.openHdf5Image satisfies typeof nodeOpenHdf5Image.openHdf5Image,
  openImage: webOpenImage.openImage satisfies typeof nodeOpenImage.openImage,
  openImageBytes: webOpenImage.openImageBytes satisfies typeof nodeOpenImage.openImageBytes,
  zarrStorePath: webOpenZarrImage.zarrStorePath satisfies typeof nodeOpenZarrImage.zarrStorePath,
  zarrEntryFile: webOpenZarrImage.zarrEntryFile satisfies typeof nodeOpenZarrImage.zarrEntryFile,
  openZarrImage: webOpenZarrImage.openZarrImage satisfies typeof nodeOpenZarrImage.openZarrImage,
  openZarrPath: webOpenZarrImage.openZarrPath satisfies typeof nodeOpenZarrImage.openZarrPath,
  writeTiffFile: webTiffFileWriter.writeTiffFile satisfies typeof nodeTiffFileWriter.writeTiffFile,
  TiffStreamWriterCreate: webTiffFileWriter.TiffStreamWriter.create satisfies (...a: Parameters<typeof nodeTiffFileWriter.TiffStreamWriter.create>) => Promise<unknown>,
  ZarrDirectoryStore: webZarrDirectoryStore.ZarrDirectoryStore satisfies new (root: string) => unknown,
  nodeGzipCodec: webZarrDirectoryStore.nodeGzipCodec satisfies typeof nodeZarrDirectoryStore.nodeGzipCodec,
  isZarrFolder: webZarrDirectoryStore.isZarrFolder satisfies typeof nodeZarrDirectoryStore.isZarrFolder,
};

// The web worker-thread module imports the bundled worker source (only the browser build has it): its names are
// listed here and checked against the file's text.
const WEB_WORKER_THREADS_EXPORTS = ['defaultPoolSize', 'createDefaultWorker'];

describe('extension/web mirrors extension/node (the browser bundle swaps one for the other)', () => {
  const pairs: [string, object, object][] = [
    ['fileByteSource', nodeFileByteSource, webFileByteSource],
    ['folderChunkStore', nodeFolderChunkStore, webFolderChunkStore],
    ['hdf5File', nodeHdf5File, webHdf5File],
    ['hdf5Writer', nodeHdf5Writer, webHdf5Writer],
    ['nodeCodecs', nodeCodecs, webCodecs],
    ['nodeRuntime', nodeRuntime, webRuntime],
    ['sha256FileOffThread', nodeSha256, webSha256],
    ['writeAtPosition', nodeWriteAt, webWriteAt],
    ['openHdf5Image', nodeOpenHdf5Image, webOpenHdf5Image],
    ['openImage', nodeOpenImage, webOpenImage],
    ['openZarrImage', nodeOpenZarrImage, webOpenZarrImage],
    ['tiffFileWriter', nodeTiffFileWriter, webTiffFileWriter],
    ['zarrDirectoryStore', nodeZarrDirectoryStore, webZarrDirectoryStore],
  ];
  it.each(pairs)('%s: every Node export exists in the web module', (_name, node, web) => {
    for (const key of Object.keys(node)) expect(Object.keys(web), key).toContain(key);
  });

  it('workerThreads: the same exports', async () => {
    expect(Object.keys(nodeWorkerThreads).sort()).toEqual([...WEB_WORKER_THREADS_EXPORTS].sort());
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(require.resolve('../../extension/web/workerThreads.ts'), 'utf8');
    for (const name of WEB_WORKER_THREADS_EXPORTS) expect(text).toMatch(new RegExp(`export function ${name}\\b`));
  });

  it('type parity is checked by tsc', () => {
    expect(Object.keys(typeChecks).length).toBeGreaterThan(20);
  });
});
