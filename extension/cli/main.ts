/**
 * `pixel-classifier` — the headless CLI (plain Node, no VS Code). Built as dist/cli.js.
 * Dispatches to the subcommands in {@link COMMANDS}.
 */
import { COMMANDS } from './commandRegistry';
import { installNodePlatform } from '../node/nodePlatform';
import { UsageError, type CliIo } from './cliCommand';
import { hugePagesRelaunchEnv, readThpSetting, relaunch } from './hugePages';
import { PACKAGE_VERSION } from './packageVersion';

/** True when the arguments ask for help (`--help` or `-h` anywhere before a `--`). */
function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** Runs the CLI with the given arguments (without `node` and the script) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  installNodePlatform();
  const [name, ...rest] = argv;
  const help = COMMANDS.map((c) => `  ${c.usage}`).join('\n');
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(`Usage: pixel-classifier <command> [options]\n\nCommands:\n${help}\n\n'pixel-classifier <command> --help' describes a command; 'pixel-classifier --version' prints the version.\n`);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout(`${PACKAGE_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`pixel-classifier: unknown command "${name}"\n\nCommands:\n${help}\n`);
    return 2;
  }
  if (asksForHelp(rest)) {
    io.stdout(`Usage: pixel-classifier ${command.usage}\n\n${command.help.trimEnd()}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`pixel-classifier ${name}: ${error.message}\nUsage: ${command.usage}\n`);
      return 2;
    }
    io.stderr(`pixel-classifier ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  const io: CliIo = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    stderrIsTTY: process.stderr.isTTY === true,
    columns: process.stderr.columns,
  };
  const relaunchEnv = hugePagesRelaunchEnv(process.argv.slice(2), process.env, process.platform, readThpSetting());
  const run = relaunchEnv
    ? relaunch(relaunchEnv).catch((error) => {
      // Could not start a second process: run here, without huge pages.
      process.stderr.write(`pixel-classifier: running without huge pages (${String(error)})\n`);
      return runCli(process.argv.slice(2), io);
    })
    : runCli(process.argv.slice(2), io);
  run.then(
    (code) => { process.exitCode = code; },
    (error) => { process.stderr.write(`pixel-classifier: ${String(error)}\n`); process.exitCode = 1; },
  );
}
