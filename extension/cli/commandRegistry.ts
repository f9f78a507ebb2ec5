import type { CliCommand } from './cliCommand';
import { infoCommand } from './commands/info';

/**
 * Every subcommand of the CLI. Each lives in `commands/<name>.ts`; add one import and one entry here.
 */
export const COMMANDS: CliCommand[] = [
  infoCommand,
];
