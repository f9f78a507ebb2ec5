/** The uint8 form of a predicted tile sent to the webview, and where in it the classifier is least sure. */
import type { PixelBox } from '../protocol';

/** Edge of the windows uncertainty is averaged over when looking for the most uncertain region. */
export const UNCERTAINTY_WINDOW = 64;

/**
 * Converts class-major float probabilities of a tile to uint8 round(255·p) and finds the window with the
 * highest mean uncertainty 1 − (p_max − p_second).
 */
export function quantizeTile(
  probabilities: Float32Array, nClasses: number, box: PixelBox, window = UNCERTAINTY_WINDOW,
): { bytes: Uint8Array; window: PixelBox; windowUncertainty: number } {
  const n = box.width * box.height;
  const bytes = new Uint8Array(nClasses * n);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.round(255 * Math.min(1, Math.max(0, probabilities[i])));
  const wx = Math.ceil(box.width / window);
  const wy = Math.ceil(box.height / window);
  const sums = new Float64Array(wx * wy);
  const counts = new Uint32Array(wx * wy);
  for (let r = 0; r < box.height; r++) {
    for (let c = 0; c < box.width; c++) {
      const p = r * box.width + c;
      let first = 0;
      let second = 0;
      for (let k = 0; k < nClasses; k++) {
        const v = probabilities[k * n + p];
        if (v > first) {
          second = first;
          first = v;
        } else if (v > second) second = v;
      }
      const w = Math.floor(r / window) * wx + Math.floor(c / window);
      sums[w] += 1 - (first - second);
      counts[w]++;
    }
  }
  let best = 0;
  let bestMean = -1;
  for (let w = 0; w < sums.length; w++) {
    const mean = sums[w] / counts[w];
    if (mean > bestMean) {
      bestMean = mean;
      best = w;
    }
  }
  const column = box.column + (best % wx) * window;
  const row = box.row + Math.floor(best / wx) * window;
  return {
    bytes,
    window: { column, row, width: Math.min(window, box.column + box.width - column), height: Math.min(window, box.row + box.height - row) },
    windowUncertainty: bestMean,
  };
}
