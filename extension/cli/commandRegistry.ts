import type { CliCommand } from './cliCommand';
import { infoCommand } from './commands/info';
import { featuresCommand } from './commands/features';
import { trainCommand } from './commands/train';
import { predictCommand } from './commands/predict';
import { exportModelCommand } from './commands/exportModel';

/**
 * Every subcommand of the CLI. Each lives in `commands/<name>.ts`; add one import and one entry here.
 */
export const COMMANDS: CliCommand[] = [
  trainCommand,
  predictCommand,
  infoCommand,
  featuresCommand,
  exportModelCommand,
];
