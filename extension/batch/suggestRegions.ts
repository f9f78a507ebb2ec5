/**
 * "Label here next" (issue #16): ranks regions across all images of a project by how much a label there would
 * help — the classifier's mean uncertainty, 1 − (p_max − p_second), per tile — plus a class-balance hint.
 *
 * Cost is bounded: each tile (default 256²) is scored by predicting its central patch (default 48²) at full
 * resolution, and at most `maxPatches` patches are computed over the whole project (tiles are sampled evenly
 * beyond that; z-stacks are sampled at up to 8 slices). The same function serves `pixel-classifier suggest`
 * and the editor's "Label Here Next" view (which runs it in the background at the lowest priority).
 */
import * as path from 'node:path';
import { featureHaloZYX } from '../core/features/computeFeatureBlock';
import { growBox, type Box } from '../core/features/box';
import { parsePlaneKey } from '../core/labels/labelRle';
import type { ImageSource } from '../core/image/imageModel';
import { openImage } from '../node/openImage';
import { resolveProjectPath } from '../project/projectPaths';
import type { PixelClassifierProject } from '../project/projectSchema';
import type { WorkerPool } from '../workers/workerPool';
import { predictTile, type PredictTilePayload } from '../core/tiles/predictTile';
import { readSourceBlock } from '../core/image/readSourceBlock';
import { selectionForImage } from '../core/features/selectionForImage';
import { featureImageOf } from '../core/features/featureImageOf';
import { loadProjectClassifier } from './trainProject';

/** One suggested region. */
export interface Suggestion {
  /** The image's path in the project. */
  image: string;
  t: number;
  z: number;
  /** The tile, in image pixels. */
  box: { column: number; row: number; width: number; height: number };
  /** Mean uncertainty of the tile's sampled patch, 0 (sure) … 1 (a coin toss). */
  score: number;
}

/** Result of {@link suggestRegions}. */
export interface SuggestResult {
  suggestions: Suggestion[];
  /** Labelled pixels per class over the whole project. */
  classes: { id: number; name: string; labelled: number }[];
  /** E.g. "few labels of Nucleus (120 px, 4% of the labels)". */
  hints: string[];
  /** Images that could not be scored, one sentence each. */
  skipped: string[];
}

/** Options of {@link suggestRegions}. */
export interface SuggestOptions {
  top?: number;
  /** Tile edge (pixels). @default 256 */
  tile?: number;
  /** Edge of the scored patch at each tile's centre. @default 48 */
  patch?: number;
  /** Largest number of patches computed. @default 400 */
  maxPatches?: number;
  pool?: WorkerPool;
  /** Worker priority (the editor runs this below the live loop). */
  priority?: number;
  allowedRoots?: string[];
  signal?: AbortSignal;
  /** A classifier already trained on `project` (the editor's live forest); otherwise the model cache or a training. */
  classifier?: { forestBytes: Uint8Array; trainingHash: string };
}

/** Labelled pixels per class id in encoded labels (run lengths summed). */
export function labelCountsByClass(project: PixelClassifierProject): number[] {
  const counts = new Array(project.classes.length + 1).fill(0);
  for (const planes of Object.values(project.labels)) {
    for (const [key, rows] of Object.entries(planes)) {
      if (!parsePlaneKey(key)) continue;
      for (const row of rows) {
        const colon = row.indexOf(':');
        if (colon < 0) continue;
        for (const run of row.slice(colon + 1).trim().split(' ')) {
          const m = /^\d+\+(\d+)=(\d+)$/.exec(run);
          if (m && Number(m[2]) < counts.length) counts[Number(m[2])] += Number(m[1]);
        }
      }
    }
  }
  return counts;
}

/** Class-balance hints: classes with less than a third of an even share of the labels. */
export function balanceHints(project: PixelClassifierProject, counts: number[]): string[] {
  const total = counts.slice(1).reduce((a, b) => a + b, 0);
  const n = project.classes.length;
  if (total === 0 || n < 2) return [];
  const hints: string[] = [];
  project.classes.forEach((c, i) => {
    const labelled = counts[i + 1];
    if (labelled < total / n / 3) hints.push(`few labels of ${c.name} (${labelled} px, ${Math.round((100 * labelled) / total)}% of the labels)`);
  });
  return hints;
}

/** Evenly spaced picks of `k` out of `n` (all when k ≥ n). */
function spread(n: number, k: number): number[] {
  if (k >= n) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: k }, (_, i) => Math.floor(((i + 0.5) * n) / k));
}

/**
 * Ranks the project's regions; see the module comment.
 * @throws Error when the project cannot be trained (no labels, one class)
 */
export async function suggestRegions(project: PixelClassifierProject, projectFile: string, options: SuggestOptions = {}): Promise<SuggestResult> {
  const tile = options.tile ?? 256;
  const patchEdge = options.patch ?? 48;
  const maxPatches = options.maxPatches ?? 400;
  const projectDir = path.dirname(path.resolve(projectFile));
  const classifier = options.classifier ?? await loadProjectClassifier(project, projectFile, { pool: options.pool, allowedRoots: options.allowedRoots, signal: options.signal });
  const counts = labelCountsByClass(project);
  const skipped: string[] = [];
  // Candidate patches of every image, then an even sample of them within the budget.
  interface Candidate { image: string; source: ImageSource; t: number; z: number; tileBox: Suggestion['box']; patch: Box }
  const candidates: Candidate[] = [];
  const sources: ImageSource[] = [];
  try {
    for (const image of project.images) {
      let source: ImageSource;
      try {
        source = await openImage(resolveProjectPath(projectDir, image.path, options.allowedRoots ?? [projectDir]));
      } catch (e) {
        skipped.push(`${image.path}: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      sources.push(source);
      const { t: nt, z: nz, y: ny, x: nx } = source.info.shape;
      for (let t = 0; t < nt; t++) {
        for (const z of spread(nz, 8)) {
          for (let row = 0; row < ny; row += tile) {
            for (let column = 0; column < nx; column += tile) {
              const width = Math.min(tile, nx - column);
              const height = Math.min(tile, ny - row);
              const pw = Math.min(patchEdge, width);
              const ph = Math.min(patchEdge, height);
              const patch: Box = { z0: z, y0: row + Math.floor((height - ph) / 2), x0: column + Math.floor((width - pw) / 2), nz: 1, ny: ph, nx: pw };
              candidates.push({ image: image.path, source, t, z, tileBox: { column, row, width, height }, patch });
            }
          }
        }
      }
    }
    const chosen = spread(candidates.length, maxPatches).map((i) => candidates[i]);
    const scored: Suggestion[] = [];
    for (const c of chosen) {
      options.signal?.throwIfAborted();
      const shape = c.source.info.shape;
      const selection = selectionForImage(project.features,
        featureImageOf(c.image, c.source.info, project.images.find((i) => i.path === c.image)?.pixelSize));
      const volume = { z: shape.z, y: shape.y, x: shape.x };
      const sourceBox = growBox(c.patch, featureHaloZYX(selection, 'ilastik', shape.z > 1), volume);
      const block = await readSourceBlock(c.source, c.t, sourceBox);
      const payload: PredictTilePayload = {
        selection, image: volume, nInputChannels: shape.c, source: block, sourceBox, target: c.patch,
        modelKey: classifier.trainingHash, model: classifier.forestBytes, wantFeatures: false,
      };
      const result = options.pool
        ? await options.pool.run('tile/predict', payload, [block.buffer as ArrayBuffer], options.signal, options.priority ?? 0)
        : predictTile(payload, () => options.signal?.throwIfAborted());
      const p = result.probabilities!;
      const n = c.patch.ny * c.patch.nx;
      const k = project.classes.length;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        let best = 0, second = 0;
        for (let cl = 0; cl < k; cl++) {
          const v = p[cl * n + i];
          if (v > best) { second = best; best = v; } else if (v > second) second = v;
        }
        sum += 1 - (best - second);
      }
      scored.push({ image: c.image, t: c.t, z: c.z, box: c.tileBox, score: sum / n });
    }
    scored.sort((a, b) => b.score - a.score || a.image.localeCompare(b.image) || a.t - b.t || a.z - b.z || a.box.row - b.box.row || a.box.column - b.box.column);
    return {
      suggestions: scored.slice(0, options.top ?? 20),
      classes: project.classes.map((c, i) => ({ id: i + 1, name: c.name, labelled: counts[i + 1] })),
      hints: balanceHints(project, counts),
      skipped,
    };
  } finally {
    for (const s of sources) await s.close().catch(() => undefined);
  }
}
