/** One subcommand of the `pixel-classifier` CLI. */
export interface CliCommand {
  /** Subcommand name as typed by the user, e.g. "info". */
  name: string;
  /** One-line usage shown by `pixel-classifier --help`. */
  usage: string;
  /** What the command does and its options, shown by `pixel-classifier <command> --help` after the usage. */
  help: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Where a command writes; injectable so tests can capture output without spawning a process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Working directory relative paths are resolved against. */
  cwd: string;
  env: Record<string, string | undefined>;
  /** True when stderr is a terminal: progress is then a bar redrawn in place, else plain lines. */
  stderrIsTTY?: boolean;
  /** Terminal width for the progress bar. */
  columns?: number;
  /** Clock for progress and ETA (tests). @default Date.now */
  now?: () => number;
}

/** Raised for bad command-line usage; main prints the message and the usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
