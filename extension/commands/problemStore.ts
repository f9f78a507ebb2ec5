/**
 * The last batch run's problems per project (issue 14 item 10), as plain JSON kept in the extension's workspace
 * state, so the Problems view still lists them after a reload — as long as the outputs they explain are there —
 * until the next run of the same project replaces them. Pure (no `vscode`): batchProblems.ts shows them.
 */

/** One problem of a batch run, attached to an input file. */
export interface StoredProblem {
  /** Absolute path of the input. */
  file: string;
  severity: 'error' | 'warning';
  message: string;
}

/** The last run of one project. */
export interface ProjectRun {
  /** ISO time the run started. */
  started: string;
  problems: StoredProblem[];
}

/** Everything kept: project file (absolute) → its last run. */
export interface ProblemsState {
  version: 1;
  runs: Record<string, ProjectRun>;
}

/** Key of the state in the workspace state. */
export const PROBLEMS_STATE_KEY = 'pixelClassifier.batchProblems';

/** Runs kept at most (the oldest go first), so the state stays small in a workspace with many projects. */
export const MAX_PROJECTS = 50;
/** Problems kept per run at most. */
export const MAX_PROBLEMS_PER_RUN = 2000;

/** An empty state. */
export function emptyProblemsState(): ProblemsState {
  return { version: 1, runs: {} };
}

/** Validates what the workspace state holds (anything may be there); keeps what is well formed. */
export function parseProblemsState(value: unknown): ProblemsState {
  const state = emptyProblemsState();
  if (typeof value !== 'object' || value === null || (value as ProblemsState).version !== 1) return state;
  const runs = (value as ProblemsState).runs;
  if (typeof runs !== 'object' || runs === null) return state;
  for (const [project, run] of Object.entries(runs)) {
    if (typeof run !== 'object' || run === null || !Array.isArray(run.problems)) continue;
    const problems = run.problems.filter((p): p is StoredProblem => typeof p === 'object' && p !== null
      && typeof p.file === 'string' && typeof p.message === 'string' && (p.severity === 'error' || p.severity === 'warning'));
    state.runs[project] = { started: typeof run.started === 'string' ? run.started : '', problems: problems.slice(0, MAX_PROBLEMS_PER_RUN) };
  }
  return state;
}

/**
 * The state at the start of a run of `project`: its previous problems dropped — all of them for a run over the
 * project's inputs (Predict Workspace), only those of `only` for a run over some images (Export of one image, which
 * must not wipe the warnings of the last Predict Workspace about other images).
 */
export function startRun(state: ProblemsState, project: string, started: Date, only?: readonly string[]): ProblemsState {
  const runs = { ...state.runs };
  const kept = only ? (runs[project]?.problems ?? []).filter((p) => !only.includes(p.file)) : [];
  delete runs[project];
  runs[project] = { started: started.toISOString(), problems: kept };
  const projects = Object.keys(runs);
  for (const old of projects.slice(0, Math.max(0, projects.length - MAX_PROJECTS))) delete runs[old];
  return { version: 1, runs };
}

/** The state with `problem` added to the run of `project` (started if needed). */
export function addProblem(state: ProblemsState, project: string, problem: StoredProblem): ProblemsState {
  const run = state.runs[project] ?? { started: '', problems: [] };
  if (run.problems.length >= MAX_PROBLEMS_PER_RUN) return state;
  return { version: 1, runs: { ...state.runs, [project]: { ...run, problems: [...run.problems, problem] } } };
}

/** The state without problems whose file no longer exists (and without runs left empty by that). */
export function withoutMissingFiles(state: ProblemsState, exists: (file: string) => boolean): ProblemsState {
  const runs: Record<string, ProjectRun> = {};
  for (const [project, run] of Object.entries(state.runs)) {
    const problems = run.problems.filter((p) => exists(p.file));
    if (problems.length) runs[project] = { ...run, problems };
  }
  return { version: 1, runs };
}

/** Problems grouped by file, each with the project it came from (what the Problems view shows). */
export function problemsByFile(state: ProblemsState): Map<string, (StoredProblem & { project: string })[]> {
  const byFile = new Map<string, (StoredProblem & { project: string })[]>();
  for (const [project, run] of Object.entries(state.runs)) {
    for (const problem of run.problems) {
      const list = byFile.get(problem.file) ?? [];
      list.push({ ...problem, project });
      byFile.set(problem.file, list);
    }
  }
  return byFile;
}

/** Number of problems kept. */
export function problemCount(state: ProblemsState): number {
  return Object.values(state.runs).reduce((n, run) => n + run.problems.length, 0);
}
