import { describe, expect, it } from 'vitest';

import { connectMongo } from '../../../src/adapters/mongo/mongo-connection.js';
import { isolatedDatabaseUri } from '../../support/mongodb.js';

async function writeConcernOf(uri: string) {
  const connection = await connectMongo(uri, { serverSelectionTimeoutMs: 5000 });
  try {
    const { w, journal } = connection.getClient().writeConcern ?? {};
    return { w, journal };
  } finally {
    await connection.close();
  }
}

describe('connectMongo', () => {
  it('acknowledges writes once journaled on a majority, unless the URI says otherwise', async () => {
    const uri = isolatedDatabaseUri('connection');

    expect(await writeConcernOf(uri)).toEqual({ w: 'majority', journal: true });
    expect(await writeConcernOf(`${uri}?w=1`)).toEqual({ w: 1, journal: undefined });
  });

  it('names the server it cannot reach, without the password', async () => {
    const unreachable = 'mongodb://images:hunter2@127.0.0.1:9/catalog';

    await expect(connectMongo(unreachable, { serverSelectionTimeoutMs: 200 })).rejects.toThrow(
      'cannot reach MongoDB at mongodb://images:***@127.0.0.1:9/catalog',
    );
  });
});
