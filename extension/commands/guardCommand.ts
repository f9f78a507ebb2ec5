/** Runs a command so that a failure is logged and shown as one message naming the command (never thrown). */
import * as vscode from 'vscode';

/** A command callback that reports `name failed: reason` instead of throwing. */
export function guardCommand(logger: { error(message: string): void }, name: string, run: () => Promise<unknown>): () => Promise<void> {
  return async () => {
    try {
      await run();
    } catch (e) {
      const message = `${name} failed: ${e instanceof Error ? e.message : String(e)}`;
      logger.error(message);
      void vscode.window.showErrorMessage(message);
    }
  };
}
