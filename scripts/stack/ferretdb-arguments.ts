/**
 * The command line of a FerretDB on SQLite files under `directory`, listening on loopback
 * `port`: the local stack's database, and the one tests start of their own to stop and restart.
 */
export function ferretDbSqliteArguments(
  directory: string,
  port: number,
  logLevel: 'warn' | 'error',
): string[] {
  return [
    '--handler=sqlite',
    `--sqlite-url=file:${directory}/`,
    `--state-dir=${directory}`,
    `--listen-addr=127.0.0.1:${port}`,
    '--debug-addr=-',
    '--telemetry=disable',
    `--log-level=${logLevel}`,
  ];
}
