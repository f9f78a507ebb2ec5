import { describe, expect, it } from 'vitest';
import {
  addProblem, emptyProblemsState, MAX_PROBLEMS_PER_RUN, MAX_PROJECTS, parseProblemsState, problemCount, problemsByFile, startRun, withoutMissingFiles,
} from '../../extension/commands/problemStore';

const t0 = new Date('2026-12-06T10:00:00Z');
const err = (file: string, message = 'boom') => ({ file, severity: 'error' as const, message });
const warn = (file: string, message = 'odd') => ({ file, severity: 'warning' as const, message });

describe('problem store (issue 14 item 10: Problems entries survive a reload until the next run)', () => {
  it('a new run of a project replaces its problems, other projects keep theirs', () => {
    let s = startRun(emptyProblemsState(), '/ws/a.pixelclass.json', t0);
    s = addProblem(s, '/ws/a.pixelclass.json', err('/ws/x.tif'));
    s = addProblem(s, '/ws/a.pixelclass.json', warn('/ws/y.png'));
    s = startRun(s, '/ws/b.pixelclass.json', t0);
    s = addProblem(s, '/ws/b.pixelclass.json', warn('/ws/x.tif', 'from b'));
    expect(problemCount(s)).toBe(3);
    expect([...problemsByFile(s).entries()]).toEqual([
      ['/ws/x.tif', [{ ...err('/ws/x.tif'), project: '/ws/a.pixelclass.json' }, { ...warn('/ws/x.tif', 'from b'), project: '/ws/b.pixelclass.json' }]],
      ['/ws/y.png', [{ ...warn('/ws/y.png'), project: '/ws/a.pixelclass.json' }]],
    ]);
    s = startRun(s, '/ws/a.pixelclass.json', new Date('2026-12-06T11:00:00Z'));
    expect(problemCount(s)).toBe(1);
    expect(s.runs['/ws/a.pixelclass.json']).toEqual({ started: '2026-12-06T11:00:00.000Z', problems: [] });
  });

  it('a run over some images (Export of one) replaces only their problems', () => {
    let s = startRun(emptyProblemsState(), '/p', t0);
    s = addProblem(s, '/p', warn('/a.png'));
    s = addProblem(s, '/p', err('/b.tif'));
    s = startRun(s, '/p', t0, ['/b.tif']);
    expect(s.runs['/p'].problems).toEqual([warn('/a.png')]);
    s = addProblem(s, '/p', warn('/b.tif', 'again'));
    expect(s.runs['/p'].problems).toEqual([warn('/a.png'), warn('/b.tif', 'again')]);
    expect(startRun(s, '/p', t0).runs['/p'].problems).toEqual([]);
  });

  it('survives a JSON round trip (workspace state) and ignores malformed entries', () => {
    let s = startRun(emptyProblemsState(), '/p', t0);
    s = addProblem(s, '/p', err('/a.tif'));
    expect(parseProblemsState(JSON.parse(JSON.stringify(s)))).toEqual(s);
    expect(parseProblemsState(undefined)).toEqual(emptyProblemsState());
    expect(parseProblemsState({ version: 2, runs: {} })).toEqual(emptyProblemsState());
    expect(parseProblemsState({ version: 1, runs: { '/p': { started: 5, problems: [err('/a.tif'), { file: 3 }, { file: '/b', severity: 'fatal', message: 'x' }, null] }, '/q': 'x' } }))
      .toEqual({ version: 1, runs: { '/p': { started: '', problems: [err('/a.tif')] } } });
  });

  it('problems of files that are gone are dropped at restore', () => {
    let s = startRun(emptyProblemsState(), '/p', t0);
    s = addProblem(s, '/p', err('/gone.tif'));
    s = addProblem(s, '/p', warn('/here.png'));
    s = startRun(s, '/q', t0);
    s = addProblem(s, '/q', err('/gone.tif'));
    expect(withoutMissingFiles(s, (f) => f === '/here.png')).toEqual({ version: 1, runs: { '/p': { started: t0.toISOString(), problems: [warn('/here.png')] } } });
  });

  it('stays bounded: at most MAX_PROJECTS runs (oldest dropped) and MAX_PROBLEMS_PER_RUN problems per run', () => {
    let s = emptyProblemsState();
    for (let i = 0; i < MAX_PROJECTS + 3; i++) s = startRun(s, `/p${i}`, t0);
    expect(Object.keys(s.runs)).toHaveLength(MAX_PROJECTS);
    expect(s.runs['/p0']).toBeUndefined();
    expect(s.runs[`/p${MAX_PROJECTS + 2}`]).toBeDefined();
    let r = startRun(emptyProblemsState(), '/p', t0);
    for (let i = 0; i < MAX_PROBLEMS_PER_RUN + 5; i++) r = addProblem(r, '/p', err(`/f${i}`));
    expect(problemCount(r)).toBe(MAX_PROBLEMS_PER_RUN);
  });
});
