/**
 * Logging sink of the editor host. In VS Code it is the "Pixel Classifier" LogOutputChannel
 * (which has exactly these methods); tests pass an array-backed fake.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that remembers lines; used by tests and as a fallback. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(`[info] ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`[warn] ${message}`);
  }
  error(message: string): void {
    this.lines.push(`[error] ${message}`);
  }
}

/** Text of any thrown value, for log lines and error banners. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
