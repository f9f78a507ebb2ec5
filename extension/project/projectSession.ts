/**
 * One project in memory per project file (issue #12): the shared state of every open image of a
 * `*.pixelclass.json`, and the only code that reads and writes that file while editors are open.
 *
 * - `project` holds the shared settings (classes, features, classifier, export), the image entries and, for
 *   every image, its labels **as last saved** (or as read from disk). The unsaved labels of an open image
 *   live in its document ({@link ProjectMember}); saving a document writes the union: its own current labels
 *   and, for every other image, the saved ones — never a stale copy, never another document's unsaved edits.
 * - `base` is the version last read or written: the merge base. Every save reads the file first; when it
 *   changed on disk (another window, the CLI, `git pull`), the save merges three ways ({@link mergeProjects})
 *   and asks the user about conflicts; a malformed file on disk is never overwritten without asking.
 * - The file is watched (the watcher is injected): a change that is not our own write is merged into memory
 *   at once when it does not conflict with unsaved changes (a reload when nothing is unsaved), otherwise the
 *   merge waits for the next save, which asks.
 * No `vscode` import: the editor injects the watcher and the question to the user, unit tests inject fakes.
 */
import { files as fs } from '../core/platform/platform';
import * as path from 'node:path';
import type { EncodedLabels } from '../core/labels/labelRle';
import type { FeatureSelection } from '../core/features/featureSet';
import { type PixelClassifierProject, type ProjectClass, type ProjectImage } from './projectSchema';
import { ProjectError, parseProject, writeFileAtomic } from './projectFile';
import { stringifyProject } from './stringifyProject';
import { validateProject } from './validateProject';
import { describeConflicts, mergeProjects } from './mergeProject';
import { toPointer } from './jsonLocation';

/** An open document of one of the project's images. */
export interface ProjectMember {
  /** The image's path relative to the project folder (forward slashes). */
  readonly relativePath: string;
  /** True while the document has unsaved changes. */
  readonly isDirty: boolean;
  /**
   * The saved labels of the member's image changed under it (reload from disk, merge, another document's
   * save merged disk changes). `previous` and `next` are the saved labels before and after; a clean
   * document shows `next`, a dirty one merges `previous → next` into its unsaved labels.
   * @param saver true for the document whose save caused the change (its labels are exactly `next`)
   * @param notice one sentence for the editor's banner, or undefined for a silent update
   */
  savedLabelsChanged(previous: EncodedLabels | undefined, next: EncodedLabels | undefined, saver: boolean, notice: string | undefined): void;
  /** Shared settings changed (by another document's edit, undo or redo, or from disk). */
  sharedChanged(what: 'classes' | 'features' | 'settings'): void;
}

/** What the user is asked before a save that would lose something. */
export interface SaveQuestion {
  /** The project file. */
  file: string;
  /** `conflicts`: both sides changed the same rows/settings; `malformed`: the file on disk cannot be read. */
  kind: 'conflicts' | 'malformed';
  /** One or two sentences for the user. */
  message: string;
  /** The file as it would be written when keeping mine, and the file on disk now. */
  oursText: string;
  theirsText: string;
}

/** The user's answer: keep my side of conflicts (or overwrite a malformed file), take theirs, or do not save. */
export type SaveAnswer = 'mine' | 'theirs' | 'cancel';

/** What a session needs from its environment. */
export interface ProjectSessionDeps {
  /** Watches the project file; `onEvent` is called (possibly in bursts) when it may have changed. */
  watch(file: string, onEvent: () => void): { dispose(): void };
  /** Asks the user; without it conflicts are refused (the save fails, nothing is lost). */
  ask?(question: SaveQuestion): Promise<SaveAnswer>;
  log?(level: 'info' | 'warn' | 'error', message: string): void;
  /** Version written to provenance. */
  extensionVersion: string;
  /** A new project (no file yet) starts from this. */
  newProject(): PixelClassifierProject;
  /** Debounce of watcher bursts in ms. @default 150 */
  debounceMs?: number;
}

/** Thrown when the user cancels a save or a save cannot be made safely; nothing was written. */
export class SaveCancelledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SaveCancelledError';
  }
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** The shared in-memory project of one project file. */
export class ProjectSession {
  /** Shared settings, image entries and saved labels (see the module comment). */
  project: PixelClassifierProject;
  /** Set while the file on disk cannot be used; saving asks before overwriting it. */
  error: ProjectError | undefined;
  private base: PixelClassifierProject | undefined;
  /** The exact text last read or written (our own writes are recognised by it). */
  private lastText: string | undefined;
  private readonly members = new Set<ProjectMember>();
  private watcher: { dispose(): void } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Serialises saves and disk checks. */
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  private constructor(readonly file: string, private readonly deps: ProjectSessionDeps) {
    this.project = deps.newProject();
  }

  /**
   * Opens the session of `file`: reads it when it exists (a malformed file sets {@link error}, it is never
   * overwritten without asking) and starts watching it.
   */
  static async open(file: string, deps: ProjectSessionDeps): Promise<ProjectSession> {
    const session = new ProjectSession(file, deps);
    let text: string | undefined;
    try {
      text = await readText(file);
    } catch (e) {
      // Unreadable (permissions, a folder of that name): reported like a malformed file, never overwritten.
      session.error = e instanceof ProjectError ? e : new ProjectError(file, String(e));
    }
    if (text !== undefined) {
      session.lastText = text;
      try {
        const project = parseProject(text, file);
        session.project = project;
        session.base = clone(project);
      } catch (e) {
        session.error = e instanceof ProjectError ? e : new ProjectError(file, String(e));
      }
    }
    session.watcher = deps.watch(file, () => session.scheduleCheck());
    return session;
  }

  /** Whether the file existed and was read (or written) by this session. */
  get onDisk(): boolean {
    return this.lastText !== undefined;
  }

  /** The open documents of this project. */
  get openMembers(): readonly ProjectMember[] {
    return [...this.members];
  }

  attach(member: ProjectMember): void {
    this.members.add(member);
  }

  /** @returns how many members remain */
  detach(member: ProjectMember): number {
    this.members.delete(member);
    return this.members.size;
  }

  /** The saved labels of one image (undefined when none). */
  savedLabels(relativePath: string): EncodedLabels | undefined {
    return this.project.labels[relativePath];
  }

  /** Replaces the classes (an edit of one document: it calls this for do, undo and redo). */
  setClasses(classes: ProjectClass[]): void {
    this.project.classes = clone(classes);
    for (const m of this.members) m.sharedChanged('classes');
  }

  /** Replaces the feature selection (see {@link setClasses}). */
  setFeatures(features: FeatureSelection): void {
    this.project.features = clone(features);
    for (const m of this.members) m.sharedChanged('features');
  }

  /** Replaces the saved labels of images (class deletion renumbers every image's labels). */
  setSavedLabels(labels: Record<string, EncodedLabels | undefined>): void {
    for (const [image, encoded] of Object.entries(labels)) {
      if (encoded) this.project.labels[image] = encoded;
      else delete this.project.labels[image];
    }
  }

  /**
   * Saves: the shared project with `entry` and `labels` for the member's image, merged with the file on disk
   * when it changed since it was last read or written. Members are told what changed.
   * @throws SaveCancelledError when the user cancels or a conflict cannot be asked; ProjectError when the
   *   result is invalid; SaveError for OS errors. Nothing is written then.
   */
  save(member: ProjectMember | undefined, entry: ProjectImage | undefined, labels: EncodedLabels | undefined, extensionVersion?: string): Promise<void> {
    return this.serial(() => this.saveNow(member, entry, labels, extensionVersion));
  }

  /** The project as {@link save} would compose it before merging (for backups and Save As). */
  compose(entry: ProjectImage | undefined, labels: EncodedLabels | undefined, extensionVersion = this.deps.extensionVersion): PixelClassifierProject {
    const ours = clone(this.project);
    ours.provenance = { extensionVersion };
    if (entry) {
      const index = ours.images.findIndex((i) => i.path === entry.path);
      if (index >= 0) ours.images[index] = clone(entry);
      else ours.images.push(clone(entry));
      if (labels && Object.keys(labels).length > 0) ours.labels[entry.path] = clone(labels);
      else delete ours.labels[entry.path];
    }
    return ours;
  }

  /** The merge base (for backups): the version last read or written, if any. */
  baseProject(): PixelClassifierProject | undefined {
    return this.base ? clone(this.base) : undefined;
  }

  /**
   * Restores a hot-exit backup into a session no other document uses: the backup's base becomes the merge
   * base and its shared settings the working copy, then the disk is checked (changes made since the backup
   * are merged as for any external change).
   */
  async restoreFrom(backup: PixelClassifierProject, backupBase: PixelClassifierProject | undefined): Promise<void> {
    const saved = backupBase ?? this.base;
    if (backupBase) {
      this.base = clone(backupBase);
      this.lastText = stringifyProject(backupBase);
    }
    this.project = clone(backup);
    // Saved labels are the base's: the backup's own-image labels are unsaved edits of its document.
    this.project.labels = clone(saved?.labels ?? {});
    this.error = undefined;
    await this.serial(() => this.checkDisk());
  }

  /** Looks at the file on disk now (as a watcher event would, without the debounce). */
  refresh(): Promise<void> {
    return this.serial(() => this.checkDisk());
  }

  /**
   * Revert of one document: re-reads the file; when no other document has unsaved changes the whole
   * project (settings included) is taken from disk, otherwise only what merges cleanly.
   */
  revert(member: ProjectMember): Promise<void> {
    return this.serial(async () => {
      const text = await readText(this.file);
      if (text === undefined) return;
      let theirs: PixelClassifierProject;
      try {
        theirs = parseProject(text, this.file);
      } catch (e) {
        this.error = e instanceof ProjectError ? e : new ProjectError(this.file, String(e));
        return;
      }
      this.error = undefined;
      const othersDirty = [...this.members].some((m) => m !== member && m.isDirty);
      if (!othersDirty) {
        this.lastText = text;
        this.replaceWith(theirs, undefined, undefined);
      } else {
        await this.mergeExternal(text, theirs);
      }
    });
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.watcher?.dispose();
    this.members.clear();
  }

  /** Waits for pending saves and disk checks (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.timer) await new Promise((r) => setTimeout(r, 10));
    await this.queue.catch(() => undefined);
  }

  // ------------------------------------------------------------------ internals

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.catch(() => undefined).then(run);
    this.queue = next;
    return next;
  }

  private scheduleCheck(): void {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.serial(() => this.checkDisk()).catch((e) => this.log('error', `${this.file}: ${String(e)}`));
    }, this.deps.debounceMs ?? 150);
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.deps.log?.(level, message);
  }

  /** Looks at the file on disk and takes in what changed there (watcher events, restore). */
  private async checkDisk(): Promise<void> {
    if (this.disposed) return;
    const text = await readText(this.file);
    if (text === this.lastText) return; // our own write, or nothing new
    const name = path.basename(this.file);
    if (text === undefined) {
      this.lastText = undefined;
      this.notifyAll(`${name} was deleted on disk. The labels are kept in memory; saving writes the project again.`);
      this.log('warn', `${this.file} was deleted on disk`);
      return;
    }
    let theirs: PixelClassifierProject;
    try {
      theirs = parseProject(text, this.file);
    } catch (e) {
      this.error = e instanceof ProjectError ? e : new ProjectError(this.file, String(e));
      this.notifyAll(`${name} changed on disk and cannot be read: ${this.error.message}. Nothing was loaded; saving asks before overwriting it.`);
      this.log('warn', this.error.message);
      return;
    }
    const wasBroken = this.error !== undefined;
    this.error = undefined;
    if (wasBroken || !this.base) {
      // Nothing valid was known: disk is the truth (unsaved labels of open documents merge onto it).
      this.lastText = text;
      this.replaceWith(theirs, undefined, `${name} was loaded from disk.`);
      return;
    }
    await this.mergeExternal(text, theirs);
  }

  /** Merges a valid external version into memory when it does not conflict; otherwise waits for the save. */
  private async mergeExternal(text: string, theirs: PixelClassifierProject): Promise<void> {
    const name = path.basename(this.file);
    const base = this.base ?? theirs;
    const { merged, conflicts } = mergeProjects(base, this.project, theirs, 'ours');
    if (conflicts.length > 0 || validateProject(merged).length > 0) {
      const why = conflicts.length > 0 ? describeConflicts(conflicts) : 'the merged project would be invalid';
      this.notifyAll(`${name} changed on disk and conflicts with unsaved changes (${why}). Nothing is lost: saving asks what to keep.`);
      this.log('warn', `${this.file} changed on disk; merge deferred to the next save: ${why}`);
      return;
    }
    this.lastText = text;
    const dirty = [...this.members].some((m) => m.isDirty);
    this.base = clone(theirs);
    this.replaceWith(merged, undefined, dirty
      ? `${name} changed on disk; its changes were merged with your unsaved changes.`
      : `${name} was reloaded from disk.`, false);
    this.log('info', `${this.file} changed on disk: ${dirty ? 'merged into memory' : 'reloaded'}`);
  }

  private async saveNow(member: ProjectMember | undefined, entry: ProjectImage | undefined, labels: EncodedLabels | undefined, extensionVersion?: string): Promise<void> {
    const name = path.basename(this.file);
    const ours = this.compose(entry, labels, extensionVersion);
    const text = await readText(this.file);
    let result = ours;
    let note: string | undefined;
    if (text !== undefined && text !== this.lastText) {
      let theirs: PixelClassifierProject | undefined;
      try {
        theirs = parseProject(text, this.file);
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        const answer = await this.askUser({
          file: this.file, kind: 'malformed', oursText: stringifyProject(ours), theirsText: text,
          message: `${name} on disk cannot be read (${reason}). Overwrite it with your project, or cancel and fix it first?`,
        });
        if (answer !== 'mine') throw new SaveCancelledError(`Not saved: ${name} on disk is malformed and was not overwritten (${reason})`);
      }
      if (theirs) {
        const base = this.base ?? theirs;
        let merge = mergeProjects(base, ours, theirs, 'ours');
        if (merge.conflicts.length > 0) {
          const summary = describeConflicts(merge.conflicts);
          const answer = await this.askUser({
            file: this.file, kind: 'conflicts', oursText: stringifyProject(merge.merged), theirsText: text,
            message: `${name} changed on disk since it was opened, and the same things changed here: ${summary}. Keep mine, take theirs for these, or cancel?`,
          });
          if (answer === 'cancel') throw new SaveCancelledError(`Not saved: ${name} changed on disk and conflicts with your changes (${summary}); nothing was overwritten`);
          if (answer === 'theirs') merge = mergeProjects(base, ours, theirs, 'theirs');
          note = `${name} had changed on disk; merged (${merge.conflicts.length} conflict${merge.conflicts.length === 1 ? '' : 's'} resolved: ${answer === 'mine' ? 'kept yours' : 'took theirs'}).`;
        } else {
          note = `${name} had changed on disk; its changes were merged with yours.`;
        }
        result = merge.merged;
        this.log('info', `${this.file}: merged with the version on disk (${merge.conflicts.length} conflicts)`);
      }
    }
    const problems = validateProject(result);
    if (problems.length > 0) {
      throw new ProjectError(this.file, `refusing to write an invalid project: ${problems[0].message}`, toPointer(problems[0].path), undefined, problems);
    }
    const out = stringifyProject(result);
    await writeFileAtomic(this.file, out);
    this.lastText = out;
    this.error = undefined;
    this.replaceWith(result, member, note);
  }

  private async askUser(question: SaveQuestion): Promise<SaveAnswer> {
    if (!this.deps.ask) return 'cancel';
    return this.deps.ask(question);
  }

  /** Takes `next` as the saved version (and base unless `setBase` is false) and tells every member. */
  private replaceWith(next: PixelClassifierProject, saver: ProjectMember | undefined, notice: string | undefined, setBase = true): void {
    const previous = this.project;
    if (setBase) this.base = clone(next);
    this.project = clone(next);
    const classesChanged = JSON.stringify(previous.classes) !== JSON.stringify(next.classes);
    const featuresChanged = JSON.stringify(previous.features) !== JSON.stringify(next.features);
    for (const m of this.members) {
      m.savedLabelsChanged(previous.labels[m.relativePath], next.labels[m.relativePath], m === saver, notice);
      if (classesChanged) m.sharedChanged('classes');
      if (featuresChanged) m.sharedChanged('features');
    }
  }

  private notifyAll(notice: string): void {
    for (const m of this.members) m.savedLabelsChanged(this.project.labels[m.relativePath], this.project.labels[m.relativePath], false, notice);
  }

}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ProjectError(file, `cannot read the project: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}
