import { describe, expect, it } from 'vitest';
import { mergeProjects, describeConflicts } from '../../extension/project/mergeProject';
import { mergeImageLabels } from '../../extension/project/mergeLabels';
import { createProject, type PixelClassifierProject } from '../../extension/project/projectSchema';
import { selectionDefaultLight } from '../../extension/core/features/featureSet';
import { decodeLabels, encodeLabels } from '../../extension/core/labels/labelRle';
import { denseLabels, type LabelStore } from '../../extension/core/labels/labelVolume';
import { validateProject } from '../../extension/project/validateProject';

const shape = { t: 1, z: 1, y: 16, x: 12 };

function project(): PixelClassifierProject {
  const p = createProject(selectionDefaultLight(), '1.0.0');
  p.images = [{ path: 'a.tif', sha256: 'a'.repeat(64), shape: { ...shape, c: 1 } }];
  return p;
}

/** Paints `row` columns [from, to) with class `value` into a copy of the project's labels of a.tif. */
function paintRow(p: PixelClassifierProject, row: number, from: number, to: number, value: number): PixelClassifierProject {
  const q = JSON.parse(JSON.stringify(p)) as PixelClassifierProject;
  const volume = decodeLabels(q.labels['a.tif'], shape);
  volume.plane(0, 0).fill(value, row * shape.x + from, row * shape.x + to);
  const encoded = encodeLabels(volume);
  if (Object.keys(encoded).length) q.labels['a.tif'] = encoded;
  else delete q.labels['a.tif'];
  return q;
}

function labelsOf(p: PixelClassifierProject): LabelStore {
  return decodeLabels(p.labels['a.tif'], shape);
}

/** Small deterministic PRNG (mulberry32) so the property runs are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('mergeProjects: labels', () => {
  it('edits to disjoint rows merge to their union (property, 200 random cases)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = rng(seed);
      let base = project();
      for (let k = 0; k < 4; k++) base = paintRow(base, Math.floor(r() * 16), Math.floor(r() * 6), 6 + Math.floor(r() * 6), 1 + Math.floor(r() * 2));
      // Rows 0..7 belong to "ours", rows 8..15 to "theirs": disjoint by construction.
      let ours = base;
      let theirs = base;
      for (let k = 0; k < 3; k++) ours = paintRow(ours, Math.floor(r() * 8), Math.floor(r() * 6), 6 + Math.floor(r() * 6), Math.floor(r() * 3));
      for (let k = 0; k < 3; k++) theirs = paintRow(theirs, 8 + Math.floor(r() * 8), Math.floor(r() * 6), 6 + Math.floor(r() * 6), Math.floor(r() * 3));
      const { merged, conflicts } = mergeProjects(base, ours, theirs);
      expect(conflicts).toEqual([]);
      const m = denseLabels(labelsOf(merged));
      const o = denseLabels(labelsOf(ours));
      const t = denseLabels(labelsOf(theirs));
      const half = 8 * shape.x;
      expect(Array.from(m.subarray(0, half))).toEqual(Array.from(o.subarray(0, half)));
      expect(Array.from(m.subarray(half))).toEqual(Array.from(t.subarray(half)));
      expect(validateProject(merged)).toEqual([]);
    }
  });

  it('the same row changed differently on both sides is a conflict, never dropped; prefer picks the side', () => {
    const base = paintRow(project(), 3, 0, 4, 1);
    const ours = paintRow(paintRow(base, 3, 4, 6, 2), 5, 0, 2, 1);
    const theirs = paintRow(paintRow(base, 3, 8, 10, 1), 9, 0, 2, 2);
    const mine = mergeProjects(base, ours, theirs, 'ours');
    expect(mine.conflicts).toEqual([{ kind: 'row', image: 'a.tif', plane: 't0z0', row: 3, base: '3: 0+4=1', ours: '3: 0+4=1 4+2=2', theirs: '3: 0+4=1 8+2=1' }]);
    expect(describeConflicts(mine.conflicts)).toBe('1 label row of a.tif changed on both sides');
    const m = labelsOf(mine.merged);
    expect(m.get(0, 0, 3, 4)).toBe(2); // our row 3
    expect(m.get(0, 0, 3, 8)).toBe(0);
    expect(m.get(0, 0, 5, 0)).toBe(1); // our other row
    expect(m.get(0, 0, 9, 0)).toBe(2); // their other row
    const theirsWins = labelsOf(mergeProjects(base, ours, theirs, 'theirs').merged);
    expect(theirsWins.get(0, 0, 3, 8)).toBe(1);
    expect(theirsWins.get(0, 0, 3, 4)).toBe(0);
    expect(theirsWins.get(0, 0, 5, 0)).toBe(1);
  });

  it('the same change on both sides is no conflict; an erased row on one side is erased', () => {
    const base = paintRow(project(), 2, 0, 4, 1);
    const both = paintRow(base, 4, 0, 3, 2);
    expect(mergeProjects(base, both, both).conflicts).toEqual([]);
    const erased = paintRow(base, 2, 0, 4, 0);
    const { merged, conflicts } = mergeProjects(base, erased, paintRow(base, 7, 0, 1, 1));
    expect(conflicts).toEqual([]);
    expect(labelsOf(merged).get(0, 0, 2, 0)).toBe(0);
    expect(labelsOf(merged).get(0, 0, 7, 0)).toBe(1);
  });

  it('labels of an image added on one side come over with its entry', () => {
    const base = project();
    const theirs = JSON.parse(JSON.stringify(base)) as PixelClassifierProject;
    theirs.images.push({ path: 'b.tif', sha256: 'b'.repeat(64), shape: { ...shape, c: 1 } });
    theirs.labels['b.tif'] = { t0z0: ['0: 0+1=1', 'end'] };
    const ours = paintRow(base, 1, 0, 1, 2);
    const { merged, conflicts } = mergeProjects(base, ours, theirs);
    expect(conflicts).toEqual([]);
    expect(merged.images.map((i) => i.path)).toEqual(['a.tif', 'b.tif']);
    expect(merged.labels['b.tif']).toEqual({ t0z0: ['0: 0+1=1', 'end'] });
    expect(merged.labels['a.tif']).toEqual({ t0z0: ['1: 0+1=2', 'end'] });
  });

  it('mergeImageLabels on planes only one side touched takes them whole', () => {
    const base = { t0z0: ['0: 0+1=1', 'end'] };
    const { merged, conflicts } = mergeImageLabels('x', base, { ...base, t0z1: ['2: 0+1=2', 'end'] }, { t0z0: ['0: 0+2=1', 'end'] }, 'ours');
    expect(conflicts).toEqual([]);
    expect(merged).toEqual({ t0z0: ['0: 0+2=1', 'end'], t0z1: ['2: 0+1=2', 'end'] });
  });
});

describe('mergeProjects: settings', () => {
  it('class rename on one side and recolour on the other merge; the same attribute changed twice conflicts', () => {
    const base = project();
    const ours = JSON.parse(JSON.stringify(base)) as PixelClassifierProject;
    const theirs = JSON.parse(JSON.stringify(base)) as PixelClassifierProject;
    ours.classes[0].name = 'Nuclei';
    theirs.classes[0].color = '#123456';
    theirs.classes[1].name = 'Background';
    const clean = mergeProjects(base, ours, theirs);
    expect(clean.conflicts).toEqual([]);
    expect(clean.merged.classes).toEqual([{ name: 'Nuclei', color: '#123456' }, { name: 'Background', color: '#0000ff' }]);
    theirs.classes[0].name = 'Cells';
    const clash = mergeProjects(base, ours, theirs);
    expect(clash.conflicts).toEqual([{ kind: 'field', pointer: '/classes/0/name', message: 'class 1 "name" changed differently in memory and on disk' }]);
    expect(clash.merged.classes[0].name).toBe('Nuclei');
    expect(mergeProjects(base, ours, theirs, 'theirs').merged.classes[0].name).toBe('Cells');
  });

  it('a class added on one side is kept; a class added on both sides differently conflicts', () => {
    const base = project();
    const ours = JSON.parse(JSON.stringify(base)) as PixelClassifierProject;
    ours.classes.push({ name: 'Label 3', color: '#ff0000' });
    expect(mergeProjects(base, ours, base).merged.classes).toHaveLength(3);
    expect(mergeProjects(base, base, ours).merged.classes).toHaveLength(3);
    const theirs = JSON.parse(JSON.stringify(base)) as PixelClassifierProject;
    theirs.classes.push({ name: 'Membrane', color: '#00ff00' });
    const { conflicts } = mergeProjects(base, ours, theirs);
    expect(conflicts.map((c) => c.kind === 'field' && c.pointer)).toEqual(['/classes/2']);
  });

  it('a class deletion on one side with label changes on the other is one explicit conflict', () => {
    const base = paintRow(project(), 0, 0, 2, 2);
    base.classes.push({ name: 'Label 3', color: '#ff0000' });
    const ours = JSON.parse(JSON.stringify(base)) as PixelClassifierProject;
    ours.classes.splice(1, 1); // deleted class 2 (its labels removed)
    delete ours.labels['a.tif'];
    const theirs = paintRow(base, 5, 0, 2, 3);
    const { merged, conflicts } = mergeProjects(base, ours, theirs);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ kind: 'field', pointer: '/classes' });
    expect(merged.classes).toHaveLength(2);
    expect(merged.labels['a.tif']).toBeUndefined(); // ours wholesale: no class-3 rows under the renumbered ids
    const t = mergeProjects(base, ours, theirs, 'theirs').merged;
    expect(t.classes).toHaveLength(3);
    expect(labelsOf(t).get(0, 0, 5, 0)).toBe(3);
    // A deletion with nothing else changed on the other side merges quietly.
    expect(mergeProjects(base, ours, base).conflicts).toEqual([]);
  });

  it('features, classifier and export settings merge per field and conflict explicitly', () => {
    const base = project();
    const ours = JSON.parse(JSON.stringify(base)) as PixelClassifierProject;
    const theirs = JSON.parse(JSON.stringify(base)) as PixelClassifierProject;
    ours.classifier.trees = 50;
    theirs.classifier.seed = 7;
    theirs.export.dtype = 'uint8';
    theirs.features.selected.GaussianSmoothing = theirs.features.selected.GaussianSmoothing.map(() => true);
    const clean = mergeProjects(base, ours, theirs);
    expect(clean.conflicts).toEqual([]);
    expect(clean.merged.classifier).toEqual({ trees: 50, seed: 7 });
    expect(clean.merged.export.dtype).toBe('uint8');
    expect(clean.merged.features).toEqual(theirs.features);
    ours.features.selected.LaplacianOfGaussian = ours.features.selected.LaplacianOfGaussian.map((_, i) => i > 0);
    ours.classifier.seed = 3;
    const clash = mergeProjects(base, ours, theirs);
    expect(clash.conflicts.map((c) => c.kind === 'field' && c.pointer).sort()).toEqual(['/classifier/seed', '/features']);
    expect(describeConflicts(clash.conflicts)).toMatch(/classifier setting "seed" changed differently.*the feature selection changed differently/);
  });
});
