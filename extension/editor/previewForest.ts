/**
 * The quick preview forest of the live loop (see liveSession.ts): its settings, when it is worth training,
 * and the seeded, class-stratified subsample of the labelled pixels it is trained on.
 */
import type { TrainingSamples } from '../core/labels/trainingSamples';

/** Settings of the preview forest trained before the full forest after each stroke. */
export interface PreviewSettings {
  /** Trees of the preview forest. */
  trees: number;
  /** Training samples of the preview forest at most (seeded, class-stratified subsample). */
  maxSamples: number;
  /**
   * No preview when the full training is about as cheap: when `nSamples × fullTrees` (the work of the
   * full forest, in sample-trees) is at most this.
   */
  minFullWork: number;
  /**
   * No preview when the full forest is predicted to train within this many milliseconds, the prediction
   * being the last full training's time per sample-tree on this machine times the current work: on a
   * fast machine the full forest itself is the quickest route to the 100-tree result.
   */
  skipBelowMs: number;
}

/**
 * Preview defaults, from `npm run bench -- live` (2048², 49 features, ~20k labelled pixels): 10 trees on
 * ≤ 2000 samples train in ~25 ms and predict a 256² tile about 10× faster than 100 trees, with 98 % of the
 * pixels classified as by the full forest. Below 200k sample-trees (e.g. 2000 pixels × 100 trees) the full
 * forest itself is quick, so no preview; above, the full forest goes first only when it trained within 60 ms
 * last time (the stroke → first tile target is 200 ms, and the full 100 trees on 20k samples take 70–130 ms on
 * two cores, the preview ~25 ms).
 */
export const DEFAULT_PREVIEW: PreviewSettings = { trees: 10, maxSamples: 2000, minFullWork: 200_000, skipBelowMs: 60 };

/**
 * The preview settings to use for `nSamples` samples and a `fullTrees`-tree forest, or undefined for no
 * preview (turned off, the full forest is about as cheap, or the last full training shows it is quick here).
 * @param fullTrainMsPerWork milliseconds per sample-tree of the last full training, if any
 */
export function choosePreview(
  configured: Partial<PreviewSettings> | false | undefined, nSamples: number, fullTrees: number, fullTrainMsPerWork: number | undefined,
): PreviewSettings | undefined {
  if (configured === false) return undefined;
  const settings = { ...DEFAULT_PREVIEW, ...configured };
  if (nSamples * fullTrees <= settings.minFullWork || settings.trees >= fullTrees) return undefined;
  if (fullTrainMsPerWork !== undefined && fullTrainMsPerWork * nSamples * fullTrees <= settings.skipBelowMs) return undefined;
  return settings;
}

/**
 * A seeded, class-stratified subsample of at most `maxSamples` training samples (all of them when there
 * are no more): each class keeps a share proportional to its count, but at least `min(count, 20)`, so
 * a thinly labelled class is not lost. Chosen by a partial Fisher–Yates shuffle per class driven by
 * mulberry32(seed); kept in the original sample order. Deterministic for given samples and seed.
 */
export function previewSubsample(
  samples: Pick<TrainingSamples, 'X' | 'y' | 'nSamples' | 'nFeatures'>, maxSamples: number, seed: number,
): { X: Float32Array; y: Uint8Array; nSamples: number } {
  const { X, y, nSamples: n, nFeatures: F } = samples;
  if (n <= maxSamples) return { X, y, nSamples: n };
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) (byClass.get(y[i]) ?? byClass.set(y[i], []).get(y[i])!).push(i);
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const chosen: number[] = [];
  for (const k of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(k)!;
    const quota = Math.min(members.length, Math.max(20, Math.floor((maxSamples * members.length) / n)));
    for (let i = 0; i < quota; i++) {
      const j = i + Math.floor(next() * (members.length - i));
      const m = members[j];
      members[j] = members[i];
      members[i] = m;
      chosen.push(m);
    }
  }
  chosen.sort((a, b) => a - b);
  const outX = new Float32Array(chosen.length * F);
  const outY = new Uint8Array(chosen.length);
  chosen.forEach((i, s) => {
    outX.set(X.subarray(i * F, (i + 1) * F), s * F);
    outY[s] = y[i];
  });
  return { X: outX, y: outY, nSamples: chosen.length };
}
