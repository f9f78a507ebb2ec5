/**
 * The feature selection an image actually gets: the project's, adapted to the image's shape. Training,
 * live prediction and batch prediction all use these, so they agree on the feature channels.
 */
import { fallBackTo2D, featureChannelCount } from './computeFeatureBlock';
import type { FeatureSelection } from './featureSet';
import type { ImageShape } from '../image/imageModel';

/**
 * The feature selection used for an image of `shape`: the project's, with scales too large along z switched
 * to 2D (ilastik's fallback) for z-stacks.
 */
export function selectionForShape(selection: FeatureSelection, shape: Pick<ImageShape, 'z' | 'y' | 'x'>): FeatureSelection {
  return shape.z > 1 ? fallBackTo2D(selection, { z: shape.z, y: shape.y, x: shape.x }).selection : selection;
}

/** Number of feature channels for an image of `shape`. */
export function featureCountForShape(selection: FeatureSelection, shape: ImageShape): number {
  return featureChannelCount(selectionForShape(selection, shape), shape.c, shape.z > 1);
}
