/**
 * The registry that hands out one {@link ProjectSession} per project file (issue #12), keyed by the file's
 * real path, so two images of one project — or one project reached through a symlink — share one
 * in-memory project. A session lives while at least one document uses it.
 */
import { files as fs } from '../core/platform/platform';
import * as path from 'node:path';
import { ProjectSession, type ProjectSessionDeps } from './projectSession';

/** Canonical key of a project file: its real path when it (or its folder) exists, else the resolved path. */
export async function projectKey(file: string): Promise<string> {
  const resolved = path.resolve(file);
  try {
    return await fs.realpath(resolved);
  } catch {
    try {
      return path.join(await fs.realpath(path.dirname(resolved)), path.basename(resolved));
    } catch {
      return resolved;
    }
  }
}

/** One session per project file. */
export class ProjectSessions {
  private readonly sessions = new Map<string, Promise<ProjectSession>>();
  private readonly users = new Map<string, number>();

  constructor(private readonly deps: ProjectSessionDeps) {}

  /** The session of `file`, opened on first use; pair every call with {@link release}. */
  async acquire(file: string): Promise<ProjectSession> {
    const key = await projectKey(file);
    let pending = this.sessions.get(key);
    if (!pending) {
      pending = ProjectSession.open(file, this.deps);
      this.sessions.set(key, pending);
      pending.catch(() => this.sessions.delete(key));
    }
    this.users.set(key, (this.users.get(key) ?? 0) + 1);
    try {
      return await pending;
    } catch (e) {
      this.users.set(key, (this.users.get(key) ?? 1) - 1);
      throw e;
    }
  }

  /** Gives back a session from {@link acquire}; the last release disposes it. */
  async release(session: ProjectSession): Promise<void> {
    const key = await projectKey(session.file);
    const n = (this.users.get(key) ?? 1) - 1;
    if (n > 0) {
      this.users.set(key, n);
      return;
    }
    this.users.delete(key);
    if (this.sessions.get(key) && (await this.sessions.get(key)) === session) this.sessions.delete(key);
    session.dispose();
  }

  /** Open sessions (for tests and diagnostics). */
  get size(): number {
    return this.sessions.size;
  }
}
