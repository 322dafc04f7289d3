import mongoose, { type Connection } from 'mongoose';

import { redactUri } from './redact-uri.js';

export interface MongoConnectionOptions {
  /** How long an operation waits for a reachable server, or a free connection, before it fails. */
  readonly serverSelectionTimeoutMs: number;
  /** Operations in flight at most; the driver's default (100) when undefined. */
  readonly maxPoolSize?: number;
}

/**
 * Opens a connection of its own (not mongoose's global one), so that several services or tests
 * can live in one process.
 */
export async function connectMongo(
  uri: string,
  options: MongoConnectionOptions,
): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    // A registry event is acknowledged only once stored for good: journaled, on a majority of
    // a replica set. A `w` or `journal` in the URI is the operator's choice and wins.
    ...(choosesWriteConcern(uri) ? {} : { writeConcern: { w: 'majority', journal: true } }),
    // Fail fast while the server is down instead of queueing calls that clients gave up on.
    bufferCommands: false,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMs,
    // Work beyond the pool waits for a connection, in memory, but only so long: under more load
    // than the server keeps up with, calls fail fast (a 503 to registries, which retry) instead
    // of queueing until every caller has given up.
    ...(options.maxPoolSize === undefined ? {} : { maxPoolSize: options.maxPoolSize }),
    waitQueueTimeoutMS: options.serverSelectionTimeoutMs,
    autoIndex: false,
    autoCreate: false,
    // Command events feed the database latency metrics; nothing listens to them elsewhere.
    monitorCommands: true,
  });

  try {
    return await connection.asPromise();
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw new Error(`cannot reach MongoDB at ${redactUri(uri)}`, { cause: error });
  }
}

function choosesWriteConcern(uri: string): boolean {
  const query = uri.split('?')[1] ?? '';
  return new URLSearchParams(query).has('w') || new URLSearchParams(query).has('journal');
}
