import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectionDefaultLight } from '../../extension/core/features/featureSet';
import { sha256Of } from '../../extension/project/fileHash';
import { decodeModelCache, encodeModelCache, loadOrBuildModel } from '../../extension/project/modelCache';
import { createProject } from '../../extension/project/projectSchema';
import { canonicalJson, trainingHash } from '../../extension/project/trainingHash';

describe('model cache', () => {
  const hash = 'ab'.repeat(32);

  it('round-trips header and payload', () => {
    const bytes = encodeModelCache(hash, Uint8Array.of(1, 2, 3));
    expect(bytes.length).toBe(80 + 3);
    expect(decodeModelCache(bytes)).toEqual({ trainingHash: hash, forestBytes: Uint8Array.of(1, 2, 3) });
    expect(decodeModelCache(bytes.slice(0, -1))).toEqual({ invalid: 'truncated model (2 of 3 bytes)' });
    expect(decodeModelCache(new Uint8Array(100))).toEqual({ invalid: 'not a Pixel Classifier model cache' });
    expect(() => encodeModelCache('xyz', new Uint8Array(0))).toThrow(/64/);
  });

  it('uses a matching cache, rebuilds a missing, stale or corrupt one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pxc-model-'));
    const file = path.join(dir, 'p.pixelclass.model');
    let trainings = 0;
    const train = async () => { trainings++; return Uint8Array.of(9, 8, 7); };
    expect(await loadOrBuildModel(file, hash, train)).toMatchObject({ source: 'trained', reason: 'no model cache yet' });
    expect(await loadOrBuildModel(file, hash, train)).toEqual({ source: 'cache', forestBytes: Uint8Array.of(9, 8, 7) });
    expect(trainings).toBe(1);
    const other = 'cd'.repeat(32);
    expect(await loadOrBuildModel(file, other, train)).toMatchObject({ source: 'trained', reason: /stale/ });
    expect(decodeModelCache(new Uint8Array(readFileSync(file)))).toMatchObject({ trainingHash: other });
    writeFileSync(file, 'garbage');
    expect(await loadOrBuildModel(file, other, train)).toMatchObject({ source: 'trained', reason: /unusable/ });
    expect(trainings).toBe(3);
  });
});

describe('training hash', () => {
  function project() {
    const p = createProject(selectionDefaultLight(), '0.1.0');
    p.images.push({ path: 'a.tif', sha256: sha256Of('a'), shape: { t: 1, z: 1, c: 1, y: 4, x: 4 } });
    p.images.push({ path: 'b.tif', sha256: sha256Of('b'), shape: { t: 1, z: 1, c: 1, y: 4, x: 4 } });
    p.labels['a.tif'] = { t0z0: ['0: 0+2=1', '1: 1+1=2', 'end'] };
    return p;
  }

  it('ignores names, colours, export settings, provenance and unlabelled images', () => {
    const base = trainingHash(project());
    const p = project();
    p.classes[0].name = 'Nuclei';
    p.classes[1].color = '#123456';
    p.export.source = 'uncertainty';
    p.provenance.lastTrained = new Date().toISOString();
    p.images[1].sha256 = sha256Of('b changed');
    expect(trainingHash(p)).toBe(base);
  });

  it('changes with labels, seed, trees, features, class count and labelled image content', () => {
    const base = trainingHash(project());
    const mutations = [
      (p: ReturnType<typeof project>) => { p.labels['a.tif'].t0z0[0] = '0: 0+3=1'; },
      (p: ReturnType<typeof project>) => { p.classifier.seed = 1; },
      (p: ReturnType<typeof project>) => { p.classifier.trees = 50; },
      (p: ReturnType<typeof project>) => { p.classifier.maxDepth = 5; },
      (p: ReturnType<typeof project>) => { p.features.selected.GaussianSmoothing[0] = false; },
      (p: ReturnType<typeof project>) => { p.classes.push({ name: 'c', color: '#000000' }); },
      (p: ReturnType<typeof project>) => { p.images[0].sha256 = sha256Of('a changed'); },
    ];
    const hashes = new Set([base]);
    for (const mutate of mutations) {
      const p = project();
      mutate(p);
      hashes.add(trainingHash(p));
    }
    expect(hashes.size).toBe(mutations.length + 1);
  });

  it('canonical JSON sorts keys recursively', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }], e: undefined })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });
});
