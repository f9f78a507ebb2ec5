/**
 * Browser counterpart of extension/node/writeAtPosition.ts (issue #20): there are no file descriptors in the web
 * extension host; only the `features` CLI command writes this way, and the CLI does not run in the browser.
 */

/** @throws Error always: positioned writes need a Node extension host or the CLI */
export function writeAtPosition(_fd: number, _bytes: Uint8Array, _position: number): void {
  throw new Error('writing channels straight into a file needs the desktop or the CLI (no file descriptors in the browser)');
}
