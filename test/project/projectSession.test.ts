import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProjectSession, SaveCancelledError, type ProjectMember, type SaveAnswer, type SaveQuestion } from '../../extension/project/projectSession';
import { ProjectSessions } from '../../extension/project/projectSessions';
import { createProject, type PixelClassifierProject } from '../../extension/project/projectSchema';
import { selectionDefaultLight } from '../../extension/core/features/featureSet';
import type { EncodedLabels } from '../../extension/core/labels/labelRle';
import { readProject } from '../../extension/project/projectFile';
import { stringifyProject } from '../../extension/project/stringifyProject';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pc-session-'));
  file = path.join(dir, 'p.pixelclass.json');
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const shape = { t: 1, z: 1, c: 1, y: 32, x: 32 };
const entry = (p: string) => ({ path: p, sha256: p[0].repeat(64), shape });

/** A fake watcher: tests fire events by hand, like VS Code's watcher would (in bursts). */
class FakeWatch {
  listeners = new Set<() => void>();
  watch = (_file: string, onEvent: () => void) => {
    this.listeners.add(onEvent);
    return { dispose: () => this.listeners.delete(onEvent) };
  };
  fire(times = 1): void {
    for (let i = 0; i < times; i++) for (const l of this.listeners) l();
  }
}

function rowsOf(labels: EncodedLabels | undefined): Map<number, string> {
  const rows = new Map<number, string>();
  for (const line of labels?.t0z0 ?? []) if (line !== 'end') rows.set(Number(line.split(':')[0]), line);
  return rows;
}

/** A fake open document: its unsaved labels, its dirty flag, and what the session told it. */
class Member implements ProjectMember {
  isDirty = false;
  live: EncodedLabels | undefined;
  notices: string[] = [];
  updates: { previous?: EncodedLabels; next?: EncodedLabels; saver: boolean }[] = [];
  shared: string[] = [];
  constructor(readonly relativePath: string) {}
  savedLabelsChanged(previous: EncodedLabels | undefined, next: EncodedLabels | undefined, saver: boolean, notice: string | undefined): void {
    if (notice) this.notices.push(notice);
    if (previous === next) return;
    this.updates.push({ previous, next, saver });
    if (saver || !this.isDirty) this.live = next;
    else {
      // The member contract: rows the user did not change follow the saved labels (the real document does
      // this per pixel, extension/core/labels/mergeSavedLabels.ts).
      const [p, n, l] = [rowsOf(previous), rowsOf(next), rowsOf(this.live)];
      for (const row of new Set([...p.keys(), ...n.keys()])) {
        if (p.get(row) === n.get(row) || l.get(row) !== p.get(row)) continue;
        if (n.has(row)) l.set(row, n.get(row)!);
        else l.delete(row);
      }
      this.live = { t0z0: [...[...l.entries()].sort((a, b) => a[0] - b[0]).map(([, line]) => line), 'end'] };
    }
  }
  sharedChanged(what: string): void {
    this.shared.push(what);
  }
  paint(row: number, value: number): void {
    const rows = rowsOf(this.live);
    rows.set(row, `${row}: 0+1=${value}`);
    this.live = { t0z0: [...[...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, l]) => l), 'end'] };
    this.isDirty = true;
  }
}

function deps(watch: FakeWatch, answers: SaveAnswer[] = [], asked: SaveQuestion[] = []) {
  return {
    watch: watch.watch,
    ask: async (q: SaveQuestion) => {
      asked.push(q);
      return answers.shift() ?? 'cancel';
    },
    extensionVersion: '1.0.0',
    newProject: () => createProject(selectionDefaultLight(), '1.0.0'),
    debounceMs: 20,
  };
}

async function save(session: ProjectSession, m: Member): Promise<void> {
  await session.save(m, entry(m.relativePath), m.live);
  m.isDirty = false;
}

async function writeExternal(mutate: (p: PixelClassifierProject) => void): Promise<void> {
  const p = await readProject(file);
  mutate(p);
  await fs.writeFile(file, stringifyProject(p));
}

describe('ProjectSession: two documents of one project', () => {
  for (const order of [['a', 'b'], ['b', 'a']]) {
    it(`saves in the order ${order.join(', ')} write the union of both images' labels`, async () => {
      const watch = new FakeWatch();
      const session = await ProjectSession.open(file, deps(watch));
      const members = { a: new Member('a.tif'), b: new Member('b.tif') };
      session.attach(members.a);
      session.attach(members.b);
      members.a.paint(1, 1);
      members.b.paint(2, 2);
      await save(session, members[order[0] as 'a' | 'b']);
      members.a.paint(3, 1); // more unsaved edits after the first save
      await save(session, members[order[1] as 'a' | 'b']);
      if (order[1] === 'b') await save(session, members.a);
      const p = await readProject(file);
      expect(p.images.map((i) => i.path).sort()).toEqual(['a.tif', 'b.tif']);
      expect(p.labels['a.tif'].t0z0).toEqual(order[1] === 'a' ? ['1: 0+1=1', '3: 0+1=1', 'end'] : ['1: 0+1=1', '3: 0+1=1', 'end']);
      expect(p.labels['b.tif'].t0z0).toEqual(['2: 0+1=2', 'end']);
      session.dispose();
    });
  }

  it("a save never writes another document's unsaved labels", async () => {
    const session = await ProjectSession.open(file, deps(new FakeWatch()));
    const a = new Member('a.tif');
    const b = new Member('b.tif');
    session.attach(a);
    session.attach(b);
    a.paint(1, 1);
    await save(session, a);
    b.paint(5, 2); // unsaved
    a.paint(2, 1);
    await save(session, a);
    const p = await readProject(file);
    expect(p.labels['b.tif']).toBeUndefined();
    expect(p.images.map((i) => i.path)).toEqual(['a.tif']);
    expect(b.isDirty).toBe(true);
  });

  it('shared settings changes reach every member', async () => {
    const session = await ProjectSession.open(file, deps(new FakeWatch()));
    const a = new Member('a.tif');
    const b = new Member('b.tif');
    session.attach(a);
    session.attach(b);
    session.setClasses([{ name: 'N', color: '#ffffff' }, { name: 'B', color: '#000000' }]);
    expect(a.shared).toEqual(['classes']);
    expect(b.shared).toEqual(['classes']);
  });
});

describe('ProjectSession: the file changes on disk', () => {
  it('with nothing unsaved, an external change reloads (debounced: one reload per burst)', async () => {
    const watch = new FakeWatch();
    const session = await ProjectSession.open(file, deps(watch));
    const a = new Member('a.tif');
    session.attach(a);
    a.paint(1, 1);
    await save(session, a);
    await writeExternal((p) => { p.labels['a.tif'].t0z0 = ['1: 0+1=1', '7: 0+4=2', 'end']; p.classes[0].name = 'Theirs'; });
    watch.fire(5);
    await session.idle();
    expect(a.live?.t0z0).toEqual(['1: 0+1=1', '7: 0+4=2', 'end']);
    expect(a.notices).toEqual(['p.pixelclass.json was reloaded from disk.']);
    expect(a.shared).toEqual(['classes']);
    expect(session.project.classes[0].name).toBe('Theirs');
  });

  it('our own writes are not mistaken for external changes', async () => {
    const watch = new FakeWatch();
    const session = await ProjectSession.open(file, deps(watch));
    const a = new Member('a.tif');
    session.attach(a);
    a.paint(1, 1);
    await save(session, a);
    watch.fire(3);
    await session.idle();
    expect(a.notices).toEqual([]);
    expect(a.updates.filter((u) => !u.saver)).toEqual([]);
  });

  it('an external change while a document is dirty is merged, and saving keeps every stroke and every external row', async () => {
    const watch = new FakeWatch();
    const session = await ProjectSession.open(file, deps(watch));
    const a = new Member('a.tif');
    session.attach(a);
    a.paint(1, 1);
    await save(session, a);
    a.paint(3, 2); // unsaved stroke
    await writeExternal((p) => { p.labels['a.tif'].t0z0 = ['1: 0+1=1', ...Array.from({ length: 12 }, (_, i) => `${10 + i}: 0+50=1`.replace('50', '5')), 'end']; });
    watch.fire();
    await session.idle();
    expect(a.notices[0]).toMatch(/changed on disk; its changes were merged with your unsaved changes/);
    await save(session, a);
    const rows = (await readProject(file)).labels['a.tif'].t0z0;
    expect(rows).toContain('3: 0+1=2');
    for (let i = 0; i < 12; i++) expect(rows).toContain(`${10 + i}: 0+5=1`);
  });

  it('a save merges a change written between open and save even without a watcher event (another window, git checkout)', async () => {
    const session = await ProjectSession.open(file, deps(new FakeWatch()));
    const a = new Member('a.tif');
    session.attach(a);
    a.paint(1, 1);
    await save(session, a);
    a.paint(2, 2);
    await writeExternal((p) => {
      p.images.push(entry('c.tif'));
      p.labels['c.tif'] = { t0z0: ['4: 0+2=1', 'end'] };
    });
    await save(session, a);
    const p = await readProject(file);
    expect(p.labels['c.tif']).toEqual({ t0z0: ['4: 0+2=1', 'end'] });
    expect(p.labels['a.tif'].t0z0).toEqual(['1: 0+1=1', '2: 0+1=2', 'end']);
    expect(a.notices.at(-1)).toMatch(/had changed on disk; its changes were merged with yours/);
  });

  it('conflicting rows ask; cancel writes nothing, keep mine / take theirs resolve', async () => {
    const asked: SaveQuestion[] = [];
    const answers: SaveAnswer[] = ['cancel', 'theirs'];
    const session = await ProjectSession.open(file, deps(new FakeWatch(), answers, asked));
    const a = new Member('a.tif');
    session.attach(a);
    a.paint(1, 1);
    await save(session, a);
    a.paint(1, 2); // the same row, differently on both sides
    await writeExternal((p) => { p.labels['a.tif'].t0z0 = ['1: 0+3=1', 'end']; });
    const before = await fs.readFile(file, 'utf8');
    await expect(session.save(a, entry('a.tif'), a.live)).rejects.toThrow(SaveCancelledError);
    expect(await fs.readFile(file, 'utf8')).toBe(before);
    expect(asked[0]).toMatchObject({ kind: 'conflicts', file });
    expect(asked[0].message).toMatch(/1 label row of a.tif changed on both sides/);
    await session.save(a, entry('a.tif'), a.live);
    expect((await readProject(file)).labels['a.tif'].t0z0).toEqual(['1: 0+3=1', 'end']);
    expect(a.live?.t0z0).toEqual(['1: 0+3=1', 'end']); // the saver shows what was written
  });

  it('a malformed file on disk is never overwritten without asking', async () => {
    const asked: SaveQuestion[] = [];
    const session = await ProjectSession.open(file, deps(new FakeWatch(), ['cancel', 'mine'], asked));
    const a = new Member('a.tif');
    session.attach(a);
    a.paint(1, 1);
    await save(session, a);
    await fs.writeFile(file, '{ "format": broken');
    a.paint(2, 1);
    await expect(session.save(a, entry('a.tif'), a.live)).rejects.toThrow(/malformed and was not overwritten/);
    expect(await fs.readFile(file, 'utf8')).toBe('{ "format": broken');
    await session.save(a, entry('a.tif'), a.live);
    expect(asked.map((q) => q.kind)).toEqual(['malformed', 'malformed']);
    expect((await readProject(file)).labels['a.tif'].t0z0).toEqual(['1: 0+1=1', '2: 0+1=1', 'end']);
  });

  it('deletion is reported and the labels kept; re-creation is loaded', async () => {
    const watch = new FakeWatch();
    const session = await ProjectSession.open(file, deps(watch));
    const a = new Member('a.tif');
    session.attach(a);
    a.paint(1, 1);
    await save(session, a);
    const text = await fs.readFile(file, 'utf8');
    await fs.rm(file);
    watch.fire();
    await session.idle();
    expect(a.notices.at(-1)).toMatch(/was deleted on disk. The labels are kept/);
    expect(a.live?.t0z0).toEqual(['1: 0+1=1', 'end']);
    await fs.writeFile(file, text.replace('"Label 1"', '"Recreated"'));
    watch.fire(2);
    await session.idle();
    expect(session.project.classes[0].name).toBe('Recreated');
    expect(a.live?.t0z0).toEqual(['1: 0+1=1', 'end']);
  });
});

describe('ProjectSessions', () => {
  it('hands out one session per project file (also through a symlinked folder) until the last release', async () => {
    const sessions = new ProjectSessions(deps(new FakeWatch()));
    await fs.symlink(dir, path.join(dir, 'link'));
    const a = await sessions.acquire(file);
    const b = await sessions.acquire(path.join(dir, 'link', 'p.pixelclass.json'));
    expect(b).toBe(a);
    await sessions.release(a);
    expect(sessions.size).toBe(1);
    await sessions.release(b);
    expect(sessions.size).toBe(0);
    const c = await sessions.acquire(file);
    expect(c).not.toBe(a);
  });
});
