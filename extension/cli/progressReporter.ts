/**
 * Progress of long CLI runs on stderr, so stdout stays clean for results (and pure JSON with `--json`):
 * - stderr is a terminal: one bar redrawn in place (at most 10 times a second) —
 *   `[██████░░░░░░]  42% file 2/5 img1.tif · block 12/48 · ETA 0:31`;
 * - otherwise (a log file, CI): plain lines — one when a file starts, then at most one every
 *   {@link PLAIN_INTERVAL_MS} — `progress: file 2/5 img1.tif, block 12/48, 42% done, ETA 0:31`.
 */
import * as path from 'node:path';

/** Where progress goes and what it looks like there. */
export interface ProgressOutput {
  write(text: string): void;
  /** True when the output is a terminal (then the bar is redrawn in place). */
  isTTY: boolean;
  /** Terminal width. @default 80 */
  columns?: number;
  /** Clock in milliseconds (injectable for tests). @default Date.now */
  now?: () => number;
}

/** One progress report of a batch: file `index` (0-based) of `total`, `fileFraction` of it done, `fraction` of all. */
export interface BatchProgress {
  input: string;
  index: number;
  total: number;
  fileFraction: number;
  fraction: number;
  /** Blocks of the file done and in all, when the caller knows them (else derived from `fileFraction`). */
  blocks?: { done: number; total: number };
}

/** Seconds between two plain progress lines of one file. */
export const PLAIN_INTERVAL_MS = 5000;
const TTY_INTERVAL_MS = 100;

/** `m:ss` (or `h:mm:ss`) for a duration in seconds. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Reports batch progress on `output`; {@link print} writes other text without mangling the bar. */
export class ProgressReporter {
  private readonly now: () => number;
  private readonly started: number;
  private lastDraw = -Infinity;
  private barShown = false;
  private currentFile = -1;
  /** Blocks of the current file: every report is one more block, so the first one tells how many there are. */
  private blocks: { total: number; done: number } | undefined;
  private last: BatchProgress | undefined;

  constructor(private readonly output: ProgressOutput) {
    this.now = output.now ?? Date.now;
    this.started = this.now();
  }

  /** A progress report of the batch (predictWorkspace's onProgress). */
  update(progress: BatchProgress): void {
    const newFile = progress.index !== this.currentFile;
    if (newFile) {
      this.currentFile = progress.index;
      this.blocks = undefined;
    }
    if (progress.blocks) {
      this.blocks = { ...progress.blocks };
    } else {
      // predictImage reports after each finished block (tile band or time point): fileFraction = done / total.
      if (!this.blocks && progress.fileFraction > 0) this.blocks = { total: Math.max(1, Math.round(1 / progress.fileFraction)), done: 0 };
      if (this.blocks) this.blocks.done = Math.min(this.blocks.total, Math.round(progress.fileFraction * this.blocks.total));
    }
    this.last = progress;
    const t = this.now();
    const finished = progress.fraction >= 1;
    if (this.output.isTTY) {
      if (newFile || finished || t - this.lastDraw >= TTY_INTERVAL_MS) this.draw(t);
    } else if (newFile || t - this.lastDraw >= PLAIN_INTERVAL_MS) {
      this.lastDraw = t;
      this.output.write(`progress: ${this.describe(progress, t, ', ')}\n`);
    }
  }

  /** A step of a run without block counts (e.g. "training 100 trees …"): a line of its own; the bar reappears with the next update. */
  step(message: string): void {
    this.clear();
    this.output.write(`${message}\n`);
  }

  /** Writes `text` through `write` (stdout or stderr) with the bar cleared first and redrawn after. */
  print(text: string, write: (text: string) => void = this.output.write): void {
    const redraw = this.barShown;
    this.clear();
    write(text);
    if (redraw && this.last) this.draw(this.now());
  }

  /** Removes the bar (at the end of the run). */
  clear(): void {
    if (this.barShown) this.output.write('\r\x1b[K');
    this.barShown = false;
  }

  private draw(t: number): void {
    const p = this.last!;
    this.lastDraw = t;
    const columns = Math.max(40, this.output.columns ?? 80);
    const text = `${String(Math.floor(p.fraction * 100)).padStart(3)}% ${this.describe(p, t, ' · ')}`;
    const width = Math.max(10, Math.min(30, columns - text.length - 4));
    const filled = Math.round(Math.min(1, Math.max(0, p.fraction)) * width);
    const line = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${text}`;
    this.output.write(`\r\x1b[K${line.length > columns - 1 ? `${line.slice(0, columns - 2)}…` : line}`);
    this.barShown = true;
  }

  private describe(p: BatchProgress, t: number, separator: string): string {
    const parts = [`file ${p.index + 1}/${p.total} ${path.basename(p.input)}`];
    if (this.blocks) parts.push(`block ${this.blocks.done}/${this.blocks.total}`);
    if (!this.output.isTTY) parts.push(`${Math.floor(p.fraction * 100)}% done`);
    const elapsed = (t - this.started) / 1000;
    if (p.fraction > 0 && p.fraction < 1 && elapsed >= 1) parts.push(`ETA ${formatDuration((elapsed * (1 - p.fraction)) / p.fraction)}`);
    return parts.join(separator);
  }
}
