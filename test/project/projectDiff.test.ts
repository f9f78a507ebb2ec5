import { describe, expect, it } from 'vitest';
import { selectionDefaultLight } from '../../extension/core/features/featureSet';
import { applyEdit } from '../../extension/core/labels/labelEdit';
import { strokeEdit } from '../../extension/core/labels/rasterizeStroke';
import { sha256Of } from '../../extension/project/fileHash';
import { projectLabels, setProjectLabels } from '../../extension/project/projectFile';
import { createProject, type PixelClassifierProject } from '../../extension/project/projectSchema';
import { stringifyProject } from '../../extension/project/stringifyProject';

/** Lines removed from `a` and added in `b` (multiset difference; order-insensitive is enough here). */
function changedLines(a: string, b: string): { removed: string[]; added: string[] } {
  const count = (text: string) => {
    const m = new Map<string, number>();
    for (const l of text.split('\n')) m.set(l, (m.get(l) ?? 0) + 1);
    return m;
  };
  const ca = count(a);
  const cb = count(b);
  const removed: string[] = [];
  const added: string[] = [];
  for (const [l, n] of ca) for (let i = (cb.get(l) ?? 0); i < n; i++) removed.push(l);
  for (const [l, n] of cb) for (let i = (ca.get(l) ?? 0); i < n; i++) added.push(l);
  return { removed, added };
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

function base(): PixelClassifierProject {
  const project = createProject(selectionDefaultLight(), '0.1.0', 3);
  project.images.push({ path: 'img.tif', sha256: sha256Of('img'), shape: { t: 1, z: 2, c: 1, y: 200, x: 200 } });
  const labels = projectLabels(project, 'img.tif');
  applyEdit(labels, strokeEdit(labels, 0, 0, [{ row: 20, column: 20 }, { row: 60, column: 150 }], 3, 1)!);
  applyEdit(labels, strokeEdit(labels, 0, 0, [{ row: 180, column: 10 }, { row: 190, column: 100 }], 2, 2)!);
  setProjectLabels(project, 'img.tif', labels);
  return project;
}

describe('diff property: a stroke changes only the lines of the rows it touches', () => {
  it('holds for 40 random strokes on an existing plane', () => {
    const random = lcg(5);
    let project = base();
    for (let trial = 0; trial < 40; trial++) {
      const before = stringifyProject(project);
      const labels = projectLabels(project, 'img.tif');
      const row = random() * 200;
      const column = random() * 200;
      const points = [{ row, column }, { row: row + (random() - 0.5) * 30, column: column + (random() - 0.5) * 60 }];
      const edit = strokeEdit(labels, 0, 0, points, 1 + random() * 4, Math.floor(random() * 4));
      if (!edit) continue;
      applyEdit(labels, edit);
      const touchedRows = new Set(Array.from(edit.indices, (i) => Math.floor(i / 200)));
      const next = structuredClone(project);
      setProjectLabels(next, 'img.tif', labels);
      const after = stringifyProject(next);
      const { removed, added } = changedLines(before, after);
      for (const line of [...removed, ...added]) {
        const match = /^ {8}"(\d+): [^"]*",$/.exec(line);
        expect(match, `unexpected changed line ${JSON.stringify(line)}`).not.toBeNull();
        expect(touchedRows.has(Number(match![1]))).toBe(true);
      }
      expect(removed.length + added.length).toBeLessThanOrEqual(2 * touchedRows.size);
      project = next;
    }
  });

  it('two people labelling different rows produce non-overlapping changes that merge', () => {
    const project = base();
    const before = stringifyProject(project).split('\n');
    const mine = projectLabels(project, 'img.tif');
    applyEdit(mine, strokeEdit(mine, 0, 0, [{ row: 100, column: 20 }, { row: 102, column: 80 }], 1, 1)!);
    const theirs = projectLabels(project, 'img.tif');
    applyEdit(theirs, strokeEdit(theirs, 0, 0, [{ row: 140, column: 120 }, { row: 141, column: 160 }], 1, 2)!);
    const a = structuredClone(project); setProjectLabels(a, 'img.tif', mine);
    const b = structuredClone(project); setProjectLabels(b, 'img.tif', theirs);
    const linesA = stringifyProject(a).split('\n');
    const linesB = stringifyProject(b).split('\n');
    // Both only insert lines (new rows) and never modify a base line: a 3-way merge is the union.
    for (const l of before) {
      expect(linesA).toContain(l);
      expect(linesB).toContain(l);
    }
    const merged = projectLabels(project, 'img.tif');
    applyEdit(merged, strokeEdit(merged, 0, 0, [{ row: 100, column: 20 }, { row: 102, column: 80 }], 1, 1)!);
    applyEdit(merged, strokeEdit(merged, 0, 0, [{ row: 140, column: 120 }, { row: 141, column: 160 }], 1, 2)!);
    const m = structuredClone(project); setProjectLabels(m, 'img.tif', merged);
    const union = new Set([...linesA, ...linesB]);
    expect(new Set(stringifyProject(m).split('\n'))).toEqual(union);
  });
});
