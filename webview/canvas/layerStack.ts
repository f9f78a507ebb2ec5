/**
 * Which layers the viewer composites, bottom to top: the raw image (or a feature preview in its place), then
 * the ONE chosen result (probabilities, segmentation or uncertainty), then the labels — labels always on top,
 * with a two-tone (dark and light) edge so thin strokes stay visible over any result and at Fit zoom (as in ilastik). Holding the
 * "raw image" key hides everything but the raw image. Pure: no DOM.
 */
import type { OverlayKind } from './overlays';
import type { ResultView } from '../viewState';

/** The most a result may cover the raw image: it always shows through (a result never replaces it). */
export const MAX_RESULT_OPACITY = 0.9;

/** A layer of the stack. */
export type LayerId = 'image' | 'feature' | OverlayKind | 'labels' | 'superpixels';

/** One entry of the stack. */
export interface StackEntry {
  id: LayerId;
  opacity: number;
  /** Draw a contrasting edge around the layer's opaque pixels (labels). */
  edge: boolean;
}

/** What decides the stack. */
export interface StackInput {
  resultView: ResultView;
  resultOpacity: number;
  labelsVisible: boolean;
  labelOpacity: number;
  /** The raw-image key is held: only the raw image. */
  rawOnly: boolean;
  /** A feature preview is shown in place of the raw image. */
  featurePreview: boolean;
  /** The current plane has predictions. */
  hasPrediction: boolean;
  /** The current plane has labels (or a stroke preview). */
  hasLabels: boolean;
}

/** The layers to draw, bottom first. */
export function layerStack(s: StackInput): StackEntry[] {
  if (s.rawOnly) return [{ id: 'image', opacity: 1, edge: false }];
  const stack: StackEntry[] = [{ id: s.featurePreview ? 'feature' : 'image', opacity: 1, edge: false }];
  // A feature preview is looked at on its own (like ilastik's feature viewer); only the labels stay on it.
  if (!s.featurePreview && s.resultView !== 'none' && s.hasPrediction && s.resultOpacity > 0) {
    stack.push({ id: s.resultView, opacity: Math.min(MAX_RESULT_OPACITY, s.resultOpacity), edge: false });
  }
  if (s.labelsVisible && s.hasLabels && s.labelOpacity > 0) stack.push({ id: 'labels', opacity: s.labelOpacity, edge: true });
  return stack;
}
