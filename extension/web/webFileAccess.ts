/**
 * The browser's {@link FileAccess} (issue #20): the installed platform's files (`vscode.workspace.fs`) and POSIX
 * paths, for the platform-neutral code the web adaptors share with the Node ones.
 */
import type { FileAccess } from '../core/platform/fileAccess';
import { files, platform } from '../core/platform/platform';
import * as path from './posixPath';

/** Files through the installed platform (looked up on each call: the browser entry installs it after loading). */
export const webFileAccess: FileAccess = { fs: files, path, processId: () => platform().processId };
