import { describe, expect, it } from 'vitest';
import { locatePath, offsetToLocation, parseJsonWithLocation, toPointer } from '../../extension/project/jsonLocation';
import { migrateProject } from '../../extension/project/migrateProject';
import { defaultExportSettings, PROJECT_FORMAT } from '../../extension/project/projectSchema';

describe('migrateProject', () => {
  it('fills optional sections with defaults and does not modify its input', () => {
    const raw = { format: PROJECT_FORMAT, version: 1, classes: [] };
    const migrated = migrateProject(raw);
    expect(migrated.export).toEqual(defaultExportSettings());
    expect(migrated.labels).toEqual({});
    expect(migrated.images).toEqual([]);
    expect(migrated.provenance).toEqual({ extensionVersion: 'unknown' });
    expect(raw).toEqual({ format: PROJECT_FORMAT, version: 1, classes: [] });
    expect(migrateProject({ ...raw, export: { source: 'labels' } }).export).toEqual({ ...defaultExportSettings(), source: 'labels' });
  });

  it('runs the migration chain up to the current version', () => {
    const migrations = {
      1: (p: Record<string, unknown>) => ({ ...p, renamed: p.old, old: undefined }),
      2: (p: Record<string, unknown>) => ({ ...p, added: true }),
    };
    const migrated = migrateProject({ format: PROJECT_FORMAT, version: 1, old: 5 }, migrations, 3);
    expect(migrated).toMatchObject({ version: 3, renamed: 5, added: true });
    expect(() => migrateProject({ format: PROJECT_FORMAT, version: 1 }, {}, 2)).toThrow(/no migration from format version 1/);
  });

  it.each([
    [[], /JSON object/],
    [{ format: 'x', version: 1 }, /not a Pixel Classifier project/],
    [{ format: PROJECT_FORMAT }, /"version" must be a positive integer/],
    [{ format: PROJECT_FORMAT, version: 1.5 }, /positive integer/],
    [{ format: PROJECT_FORMAT, version: 7 }, /newer Pixel Classifier \(format version 7\)/],
  ])('refuses %j', (raw, message) => {
    expect(() => migrateProject(raw)).toThrow(message);
  });
});

describe('JSON locations', () => {
  it('syntax errors give line and column', () => {
    const cases: [string, number, number, RegExp][] = [
      ['{\n  "a": 1,\n}', 3, 1, /property name/],
      ['{"a" 1}', 1, 6, /expected ':'/],
      ['[1, 2', 1, 6, /end of file/],
      ['{"a": tru}', 1, 7, /unexpected character/],
      ['{"a": "x\ny"}', 1, 9, /control character/],
      ['{} x', 1, 4, /after the JSON value/],
      ['', 1, 1, /end of file/],
    ];
    for (const [text, line, column, reason] of cases) {
      try {
        parseJsonWithLocation(text);
        expect.unreachable(text);
      } catch (error) {
        expect((error as { location: unknown }).location).toMatchObject({ line, column });
        expect((error as Error).message).toMatch(reason);
      }
    }
    expect(parseJsonWithLocation('{"a": [1, {"b": "\\u00e9"}]}')).toEqual({ a: [1, { b: 'é' }] });
  });

  it('locates the value of a path, or its closest ancestor', () => {
    const text = '{\n  "a": [\n    1,\n    {"b/c": true}\n  ]\n}';
    expect(locatePath(text, ['a', 1, 'b/c'])).toMatchObject({ line: 4, column: 13 });
    expect(locatePath(text, ['a', 0])).toMatchObject({ line: 3, column: 5 });
    expect(locatePath(text, ['a', 7])).toMatchObject({ line: 2, column: 8 });
    expect(locatePath('{', ['a'])).toBeUndefined();
    expect(toPointer(['a', 1, 'b/c', 'd~e'])).toBe('/a/1/b~1c/d~0e');
    expect(offsetToLocation('ab\ncd', 4)).toEqual({ line: 2, column: 2, offset: 4 });
  });
});
