/**
 * A platform's file access together with its path arithmetic, as the Node and browser adaptors (extension/node,
 * extension/web) hand it to the platform-neutral code they share: Node passes `fs.promises` and `node:path`
 * (extension/node/nodePlatform.ts), the browser the port's `vscode.workspace.fs` adaptor and POSIX paths
 * (extension/web/webFileAccess.ts). Passed in rather than read from the installed platform, so the Node adaptors
 * keep working in scripts that install none (benchmarks, fixtures).
 */
import type { FileSystem } from './fileSystem';

/** The functions of `node:path` the shared code uses (the browser's POSIX path module has the same). */
export interface PathSyntax {
  join(...parts: string[]): string;
  dirname(path: string): string;
  basename(path: string): string;
}

/** File access with its paths. */
export interface FileAccess {
  fs: FileSystem;
  path: PathSyntax;
  /** A small number naming this process in temporary file names (Node: the pid); asked for when needed. */
  processId(): number;
}
