import type { Connection } from 'mongoose';

/**
 * Whether the database answers a `ping` within `timeoutMs`, server selection included. Never
 * throws: health and readiness probes need a yes or a no, and the driver's reason for a no is
 * already in the log of the calls that failed.
 */
export async function databaseAnswers(connection: Connection, timeoutMs: number): Promise<boolean> {
  const database = connection.db;
  if (database === undefined) return false;

  try {
    await database.admin().ping({ timeoutMS: timeoutMs });
    return true;
  } catch {
    return false;
  }
}
