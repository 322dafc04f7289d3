import { runKeysCommand } from './application/commands/keys-command.js';
import { runReconcileCommand } from './application/commands/reconcile-command.js';
import { runRegistryConfigCommand } from './application/commands/registry-config-command.js';
import { main } from './main.js';

const USAGE = `usage: images-service [command]

commands:
  start                  run the service (the default)
  reconcile [--dry-run]  make the catalog equal to the registry, and print what changed
  keys                   make the token signing key if missing; print its files and key ids
  registry-config        print the registry config.yml sections that point at this service
  help                   show this text
`;

/** The `images-service` command: one entry for the service and its operational subcommands. */
async function run(argv: readonly string[]): Promise<void> {
  const [command = 'start', ...rest] = argv;

  switch (command) {
    case 'start':
      if (rest.length > 0) return usageError(`"start" takes no arguments, got "${rest.join(' ')}"`);
      return main();
    case 'reconcile':
      process.exitCode = await runReconcileCommand(rest, process);
      return;
    case 'keys':
      process.exitCode = await runKeysCommand(rest, process);
      return;
    case 'registry-config':
      process.exitCode = await runRegistryConfigCommand(rest, process);
      return;
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return;
    default:
      return usageError(`unknown command "${command}"`);
  }
}

function usageError(message: string): void {
  process.stderr.write(`images-service: ${message}\n\n${USAGE}`);
  process.exitCode = 2;
}

await run(process.argv.slice(2));
