import type { ImagesAPIClient, Response } from '../generated/images_api.js';
import type { Operation } from './load-runs.js';
import type { BenchCatalog, repositoryCollection } from './seed-repositories.js';

/** One of FogCore's read calls, through the service and as the equivalent bare driver query. */
export interface OperationUnderTest {
  readonly name: string;
  readonly driverQuery: string;
  readonly viaService: Operation;
  readonly viaDriver: Operation;
}

type RepositoryCollection = ReturnType<typeof repositoryCollection>;

/**
 * Find of a random `<owner>/<app>:latest` and List of a random owner. Every name exists, so any
 * answer other than 200 with content is a failed call.
 */
export function catalogOperations(
  catalog: BenchCatalog,
  client: ImagesAPIClient,
  collection: RepositoryCollection,
): { find: OperationUnderTest; list: OperationUnderTest } {
  const find: OperationUnderTest = {
    name: 'Find',
    driverQuery: 'findOne({_id})',
    viaService: async () => {
      const name = `${catalog.randomRepository()}:latest`;
      expectOk((await client.find({ name })).status, `Find "${name}"`);
    },
    viaDriver: async () => {
      const name = catalog.randomRepository();
      const found = await collection.findOne({ _id: name });
      if (found === null) throw new Error(`findOne found no "${name}"`);
    },
  };

  const list: OperationUnderTest = {
    name: 'List (one owner)',
    driverQuery: 'find({owner, tags: {$ne: {}}}).sort({_id: 1})',
    viaService: async () => {
      const owner = catalog.randomOwner();
      const answer = await client.list({ username: owner });
      expectOk(answer.status, `List "${owner}"`);
      if ((answer.images[0]?.list.length ?? 0) === 0) {
        throw new Error(`List "${owner}" answered 200 without images`);
      }
    },
    viaDriver: async () => {
      const owner = catalog.randomOwner();
      const found = await collection
        .find({ owner, tags: { $ne: {} } })
        .sort({ _id: 1 })
        .toArray();
      if (found.length === 0) throw new Error(`find found no repository of "${owner}"`);
    },
  };

  return { find, list };
}

/** Throws unless the service answered 200; the message quotes the call and the answer. */
export function expectOk(status: Response | undefined, call: string): void {
  if (status?.code !== 200) {
    throw new Error(`${call} answered ${status?.code} "${status?.message}"`);
  }
}
