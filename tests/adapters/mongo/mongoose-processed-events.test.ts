import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectMongo } from '../../../src/adapters/mongo/mongo-connection.js';
import { MongooseProcessedEvents } from '../../../src/adapters/mongo/mongoose-processed-events.js';
import {
  ensureProcessedEventIndexes,
  processedEventModel,
} from '../../../src/adapters/mongo/processed-event.schema.js';
import { isolatedDatabaseUri } from '../../support/mongodb.js';

describe('MongooseProcessedEvents', () => {
  let connection: Connection;
  let processed: MongooseProcessedEvents;

  beforeAll(async () => {
    connection = await connectMongo(isolatedDatabaseUri('processed'), {
      serverSelectionTimeoutMs: 5000,
    });
    await ensureProcessedEventIndexes(connection);
    processed = new MongooseProcessedEvents(processedEventModel(connection));
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('claims an id once, even when claims race', async () => {
    const claims = await Promise.all(
      Array.from({ length: 10 }, () => processed.claim('event-race', new Date())),
    );

    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('lets a released id be claimed again', async () => {
    expect(await processed.claim('event-released', new Date())).toBe(true);
    await processed.release('event-released');

    expect(await processed.claim('event-released', new Date())).toBe(true);
  });

  it('prunes the ids claimed before the cutoff and keeps the later ones', async () => {
    await processed.claim('event-old', new Date('2026-01-01T00:00:00Z'));
    await processed.claim('event-new', new Date('2026-03-01T00:00:00Z'));

    expect(await processed.prune(new Date('2026-02-01T00:00:00Z'))).toBe(1);

    expect(await processed.claim('event-old', new Date())).toBe(true);
    expect(await processed.claim('event-new', new Date())).toBe(false);
  });
});
