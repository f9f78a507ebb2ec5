/**
 * Random forest classifier of Pixel Classifier (issue #4): deterministic training over typed arrays,
 * cache-friendly prediction, versioned binary serialization. Parallel training/prediction over the
 * worker pool lives in `extension/workers/parallelForest.ts`.
 */
export * from './forestModel';
export { trainForest, trainForestOnSet, mergeForests, resolveForestSettings } from './trainForest';
export { predictProbabilities, PREDICT_BLOCK } from './predictProbabilities';
export { serializeForest, deserializeForest, crc32, FOREST_MAGIC, FOREST_FORMAT_VERSION } from './serializeForest';
export { forestSummary, featureImportances, oobError, type ForestSummary } from './forestSummary';
export { validateTrainingData, prepareTrainingSet, type TrainingSet } from './trainingSet';
export { TreeRandom } from './treeRandom';
