import { main } from './main.js';

const USAGE = `usage: images-service [command]

commands:
  start    run the service (the default)
  help     show this text
`;

/** The `images-service` command: one entry for the service and its operational subcommands. */
async function run(argv: readonly string[]): Promise<void> {
  const [command = 'start', ...rest] = argv;

  switch (command) {
    case 'start':
      if (rest.length > 0) return usageError(`"start" takes no arguments, got "${rest.join(' ')}"`);
      return main();
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
