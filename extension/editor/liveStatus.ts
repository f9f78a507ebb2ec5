/** The classifier status of one document's live loop, as the webviews show it (`status/update`). */
import { LIVE_PREDICTION_PIXELS } from './tilePredictor';
import { featureCountForImage } from '../core/features/selectionForImage';
import type { ClassifierStatus } from '../protocol';
import type { DocumentController } from './documentController';

/** The state part of a status; label counts and feature figures are filled in from the document. */
type LiveState = Omit<ClassifierStatus, 'labelCounts' | 'featureChannels' | 'featureMemoryBytes'>;

/** Holds the live loop's state and broadcasts every change to the document's webviews. */
export class LiveStatus {
  private state: LiveState = { state: 'idle', progress: 0 };
  /** Set when the session is disposed: changes are then no longer broadcast. */
  silenced = false;

  constructor(private readonly controller: DocumentController) {}

  /** The current status, with label counts and the feature channel count / memory estimate. */
  status(): ClassifierStatus {
    const doc = this.controller.document;
    const shape = doc.shape;
    const image = doc.featureImage();
    let channels = 0;
    // A selection this image cannot get (e.g. physical units without a pixel size) counts 0 channels; the
    // live loop reports the reason itself.
    try { channels = image ? featureCountForImage(doc.project.features, image) : 0; } catch { channels = 0; }
    return {
      ...this.state,
      labelCounts: doc.labelCounts(),
      featureChannels: channels,
      // Big planes are computed only where the user looks (issue #13): at most the live prediction budget.
      featureMemoryBytes: shape ? channels * Math.min(shape.y * shape.x, LIVE_PREDICTION_PIXELS) * 4 : 0,
    };
  }

  /**
   * Sets the state and broadcasts it. The full forest's OOB error and importances stay shown while idle or
   * predicting, and are dropped while features are computed or a forest trains (unless given in `extra`).
   */
  set(state: ClassifierStatus['state'], progress: number, message?: string, extra: Partial<ClassifierStatus> = {}): void {
    const keep = state === 'idle' || state === 'predicting' ? { oobError: this.state.oobError, importances: this.state.importances } : {};
    this.state = { state, progress, ...(message ? { message } : {}), ...keep, ...extra };
    this.broadcast();
  }

  /** Records the results of a training (shown with the next state change). */
  setResults(oobError: number | undefined, importances: ClassifierStatus['importances']): void {
    this.state = { ...this.state, oobError, importances };
  }

  /** Sends the current status to every webview. */
  broadcast(): void {
    if (!this.silenced) this.controller.broadcast({ type: 'status/update', status: this.status() });
  }
}
