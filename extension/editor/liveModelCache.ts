/**
 * The live loop's side of the model cache `<name>.pixelclass.model`: a cached forest is used when it was
 * trained for the document's current training inputs (same training hash), and the full forest is written
 * back after a save when it matches the saved labels.
 */
import * as path from 'node:path';
import { files as fs } from '../core/platform/platform';
import { deserializeForest, serializeForest, type Forest } from '../core/forest/index';
import { decodeModelCache, encodeModelCache } from '../project/modelCache';
import { modelCachePath, writeFileAtomic } from '../project/projectFile';
import { trainingHash } from '../project/trainingHash';
import type { LabelDocument } from './labelDocument';
import { errorText, type Logger } from './logger';

/** A forest from the model cache that matches the document's labels. */
export interface CachedForest {
  forest: Forest;
  trainingHash: string;
}

/**
 * The cached forest when it matches the document's training inputs, else why not (no labels, no cache,
 * invalid, stale).
 */
export async function readCachedForest(doc: LabelDocument): Promise<CachedForest | { unusable: string; noLabels?: boolean }> {
  // A big image is hashed a little after it opens, not for this lookup (issue #13).
  await doc.hashWhenDue().catch(() => undefined);
  const snapshot = await doc.snapshot();
  if (Object.keys(snapshot.labels).length === 0) return { unusable: 'no labels', noLabels: true };
  const hash = trainingHash(snapshot);
  const file = modelCachePath(doc.projectFile);
  const bytes = await fs.readFile(file).catch(() => undefined);
  const decoded = bytes ? decodeModelCache(new Uint8Array(bytes)) : undefined;
  if (!decoded) return { unusable: 'no model cache' };
  if ('invalid' in decoded) return { unusable: decoded.invalid };
  if (decoded.trainingHash !== hash) return { unusable: 'model cache is stale' };
  const forest = deserializeForest(decoded.forestBytes, file);
  if (forest.nClasses !== snapshot.classes.length) return { unusable: 'model cache is stale' };
  return { forest, trainingHash: hash };
}

/** Writes the model cache when `forest` (trained for `forestHash`) matches the document's saved labels. */
export async function writeModelCacheIfCurrent(doc: LabelDocument, forest: Forest, forestHash: string, log: Logger): Promise<void> {
  const snapshot = await doc.snapshot();
  if (trainingHash(snapshot) !== forestHash) return;
  const file = modelCachePath(doc.projectFile);
  try {
    await writeFileAtomic(file, encodeModelCache(forestHash, serializeForest(forest)));
    log.info(`Wrote model cache ${file}`);
  } catch (e) {
    log.warn(`Could not write the model cache ${file}: ${errorText(e)}`);
  }
}

/** The model cache's file name, for messages. */
export function modelCacheName(doc: LabelDocument): string {
  return path.basename(modelCachePath(doc.projectFile));
}
