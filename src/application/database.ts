import type { Connection } from 'mongoose';
import type { Logger } from 'pino';

import { startEmbeddedMongoServer } from '../adapters/mongo/embedded-mongo-server.js';
import { connectMongo } from '../adapters/mongo/mongo-connection.js';
import { redactUri } from '../adapters/mongo/redact-uri.js';
import { ensureImageEventIndexes } from '../adapters/mongo/image-event.schema.js';
import { ensureProcessedEventIndexes } from '../adapters/mongo/processed-event.schema.js';
import { ensureRepositoryIndexes } from '../adapters/mongo/repository.schema.js';
import type { ServiceConfig } from './config/service-config.js';

export interface Database {
  readonly connection: Connection;
  close(): Promise<void>;
}

/** Connects to MONGODB_URI, or starts the embedded MongoDB when it is unset; ensures indexes. */
export async function openDatabase(config: ServiceConfig, logger: Logger): Promise<Database> {
  const embedded =
    config.mongodbUri === undefined ? await startEmbeddedMongoServer(config.dataDir) : undefined;
  const uri = embedded?.uri ?? (config.mongodbUri as string);
  if (embedded !== undefined) {
    logger.info({ dbPath: embedded.dbPath }, 'MONGODB_URI is unset: using an embedded mongodb');
  }

  try {
    const connection = await connectMongo(uri, {
      serverSelectionTimeoutMs: config.mongodbTimeoutMs,
      maxPoolSize: config.mongodbPoolSize,
    });
    await ensureRepositoryIndexes(connection);
    await ensureProcessedEventIndexes(connection);
    await ensureImageEventIndexes(connection);
    logger.info({ uri: redactUri(uri) }, 'catalog database ready');

    return {
      connection,
      close: async () => {
        await connection.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
