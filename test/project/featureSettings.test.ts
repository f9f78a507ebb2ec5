/**
 * Issue #15: the project's `features.scaleUnit` ("physical") and `features.featureChannels` ([0, 2]) — written,
 * read back, validated, migrated, merged, and part of the training hash.
 */
import { describe, expect, it } from 'vitest';
import { selectionDefaultLight } from '../../extension/core/features/featureSet';
import { mergeProjects } from '../../extension/project/mergeProject';
import { migrateProject } from '../../extension/project/migrateProject';
import { parseProject, ProjectError } from '../../extension/project/projectFile';
import { createProject, type PixelClassifierProject } from '../../extension/project/projectSchema';
import { stringifyProject } from '../../extension/project/stringifyProject';
import { trainingHash } from '../../extension/project/trainingHash';

function project(): PixelClassifierProject {
  const p = createProject(selectionDefaultLight(), '1.0.0');
  p.images = [{ path: 'a.tif', sha256: 'a'.repeat(64), shape: { t: 1, z: 3, c: 3, y: 16, x: 12 } }];
  p.labels = { 'a.tif': { t0z0: ['2: 3+4=1'] } };
  return p;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('scaleUnit and featureChannels in the project file', () => {
  it('round-trip: written inside "features" after scales/selected, read back unchanged', () => {
    const p = project();
    p.features.scaleUnit = 'physical';
    p.features.featureChannels = [0, 2];
    const text = stringifyProject(p);
    expect(text).toContain('"scaleUnit": "physical"');
    expect(text).toContain('"featureChannels": [0, 2]');
    expect(text.indexOf('"selected"')).toBeLessThan(text.indexOf('"scaleUnit"'));
    const back = parseProject(text, 'x.pixelclass.json');
    expect(back.features.scaleUnit).toBe('physical');
    expect(back.features.featureChannels).toEqual([0, 2]);
    expect(stringifyProject(back)).toBe(text);
  });

  it('older projects (no keys) read as pixels and all channels; "pixels" is migrated to no key', () => {
    const p = project();
    const back = parseProject(stringifyProject(p), 'x.pixelclass.json');
    expect(back.features.scaleUnit).toBeUndefined();
    expect(back.features.featureChannels).toBeUndefined();
    const raw = JSON.parse(stringifyProject(p));
    raw.features.scaleUnit = 'pixels';
    const migrated = migrateProject(raw) as { features: Record<string, unknown> };
    expect('scaleUnit' in migrated.features).toBe(false);
    expect(trainingHash(parseProject(JSON.stringify(raw), 'x'))).toBe(trainingHash(p));
  });

  it('top-level "scaleUnit" and "featureChannels" (the issue\'s wording) are read as the feature selection\'s', () => {
    const p = createProject(selectionDefaultLight(), '1.0.0') as unknown as Record<string, unknown>;
    const text = JSON.stringify({ ...p, scaleUnit: 'physical', featureChannels: [0, 2] });
    const back = parseProject(text, 'top.pixelclass.json');
    expect(back.features.scaleUnit).toBe('physical');
    expect(back.features.featureChannels).toEqual([0, 2]);
    expect('scaleUnit' in (back as unknown as Record<string, unknown>)).toBe(false);
  });

  it('validation names the field and the problem', () => {
    const bad = (mutate: (features: Record<string, unknown>) => void): string => {
      const raw = JSON.parse(stringifyProject(project()));
      mutate(raw.features);
      try {
        parseProject(JSON.stringify(raw), 'bad.pixelclass.json');
      } catch (error) {
        expect(error).toBeInstanceOf(ProjectError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad((f) => { f.scaleUnit = 'µm'; })).toMatch(/scaleUnit must be "pixels" or "physical"/);
    expect(bad((f) => { f.featureChannels = [2, 0]; })).toMatch(/featureChannels must be a non-empty ascending list/);
    expect(bad((f) => { f.featureChannels = []; })).toMatch(/featureChannels/);
    expect(bad((f) => { f.featureChannels = [0.5]; })).toMatch(/featureChannels/);
    expect(bad((f) => { (f.scales as Record<string, unknown>[])[0].pixelSigmas = { z: 1, y: 1, x: 1 }; })).toMatch(/pixelSigmas is computed per image/);
    expect(bad((f) => { f.unit = 'physical'; })).toMatch(/unknown key "unit"/);
  });

  it('both settings change the training hash; pixel size overrides count only in physical mode', () => {
    const p = project();
    const base = trainingHash(p);
    const physical = clone(p); physical.features.scaleUnit = 'physical';
    const channels = clone(p); channels.features.featureChannels = [1];
    expect(new Set([base, trainingHash(physical), trainingHash(channels)]).size).toBe(3);
    const sized = clone(p); sized.images[0].pixelSize = { x: 0.5, y: 0.5, z: 2, unit: 'µm' };
    expect(trainingHash(sized)).toBe(base);
    const sizedPhysical = clone(physical); sizedPhysical.images[0].pixelSize = { x: 0.5, y: 0.5, z: 2, unit: 'µm' };
    expect(trainingHash(sizedPhysical)).not.toBe(trainingHash(physical));
  });
});

describe('merging the feature settings', () => {
  it('the scale unit (one side) and the channels (other side) merge without a conflict', () => {
    const base = project();
    const ours = clone(base); ours.features.scaleUnit = 'physical';
    const theirs = clone(base); theirs.features.featureChannels = [0, 2];
    const { merged, conflicts } = mergeProjects(base, ours, theirs);
    expect(conflicts).toEqual([]);
    expect(merged.features.scaleUnit).toBe('physical');
    expect(merged.features.featureChannels).toEqual([0, 2]);
    expect(merged.features.scales).toEqual(base.features.scales);
  });

  it('a grid edit on one side and a channel edit on the other both survive', () => {
    const base = project();
    const ours = clone(base); ours.features.selected.GaussianSmoothing[1] = true;
    const theirs = clone(base); theirs.features.featureChannels = [1];
    const { merged, conflicts } = mergeProjects(base, ours, theirs);
    expect(conflicts).toEqual([]);
    expect(merged.features.selected.GaussianSmoothing[1]).toBe(true);
    expect(merged.features.featureChannels).toEqual([1]);
  });

  it('different channel lists on both sides are a conflict on /features/featureChannels; the preferred side wins', () => {
    const base = project();
    const ours = clone(base); ours.features.featureChannels = [0];
    const theirs = clone(base); theirs.features.featureChannels = [1, 2];
    const a = mergeProjects(base, ours, theirs, 'ours');
    expect(a.conflicts.map((c) => c.kind === 'field' && c.pointer)).toEqual(['/features/featureChannels']);
    expect(a.merged.features.featureChannels).toEqual([0]);
    expect(mergeProjects(base, ours, theirs, 'theirs').merged.features.featureChannels).toEqual([1, 2]);
  });

  it('removing the channel list on one side (back to all channels) is kept', () => {
    const base = project(); base.features.featureChannels = [0];
    const ours = clone(base); delete ours.features.featureChannels;
    const { merged, conflicts } = mergeProjects(base, ours, clone(base));
    expect(conflicts).toEqual([]);
    expect(merged.features.featureChannels).toBeUndefined();
  });
});
