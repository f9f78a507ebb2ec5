import type { CliCommand } from './cliCommand';
import { infoCommand } from './commands/info';
import { featuresCommand } from './commands/features';
import { trainCommand } from './commands/train';
import { predictCommand } from './commands/predict';
import { exportModelCommand } from './commands/exportModel';
import { importIlastikCommand } from './commands/importIlastik';
import { suggestCommand } from './commands/suggest';

/**
 * Every subcommand of the CLI. Each lives in `commands/<name>.ts`; add one import and one entry here.
 */
export const COMMANDS: CliCommand[] = [
  trainCommand,
  predictCommand,
  infoCommand,
  featuresCommand,
  importIlastikCommand,
  suggestCommand,
  exportModelCommand,
];
