import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface EmbeddedMongoServer {
  readonly uri: string;
  readonly dbPath: string;
  stop(): Promise<void>;
}

/**
 * Starts a private mongod whose files live under `dataDir`, so the catalog survives restarts.
 * mongodb-memory-server downloads the mongod binary on first use, which needs internet access.
 */
export async function startEmbeddedMongoServer(dataDir: string): Promise<EmbeddedMongoServer> {
  const dbPath = join(dataDir, 'mongodb');
  await mkdir(dbPath, { recursive: true });

  // Loaded only here: a service pointed at MONGODB_URI never pays for the embedded server's code.
  const { MongoMemoryServer } = await import('mongodb-memory-server');
  const server = await MongoMemoryServer.create({
    instance: { dbPath, storageEngine: 'wiredTiger', ip: '127.0.0.1' },
  });

  return {
    uri: server.getUri('images'),
    dbPath,
    // Keep the files: they are the catalog.
    stop: async () => void (await server.stop({ doCleanup: false })),
  };
}
