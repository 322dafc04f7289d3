import { createHash } from 'node:crypto';

import type { Connection } from 'mongoose';

import {
  ensureRepositoryIndexes,
  repositoryModel,
  tagKey,
  type RepositoryDocument,
  type TagDocument,
} from '../src/adapters/mongo/repository.schema.js';

const BATCH_SIZE = 1_000;
const PUSHED_AT = new Date('2026-01-02T03:04:05Z');

/**
 * The benchmark's catalog: repository `i` belongs to owner `i mod owners`, so every owner holds
 * `repositories / owners` repositories (give or take one) and names can be drawn at random.
 */
export class BenchCatalog {
  constructor(
    readonly repositories: number,
    readonly owners: number,
  ) {}

  ownerName(index: number): string {
    return `owner-${String(index).padStart(digits(this.owners), '0')}`;
  }

  repositoryName(index: number): string {
    const app = `app-${String(index).padStart(digits(this.repositories), '0')}`;
    return `${this.ownerName(index % this.owners)}/${app}`;
  }

  randomRepository(): string {
    return this.repositoryName(Math.floor(Math.random() * this.repositories));
  }

  randomOwner(): string {
    return this.ownerName(Math.floor(Math.random() * this.owners));
  }
}

/**
 * Writes the catalog straight into the service's collection, in the service's document shape,
 * with insertMany: pushing 100,000 tags one by one through the service would take hours on
 * FerretDB. Ends by ensuring the service's indexes.
 */
export async function seedRepositories(
  connection: Connection,
  catalog: BenchCatalog,
  signal: AbortSignal,
  progress: (seeded: number) => void,
): Promise<void> {
  const collection = repositoryCollection(connection);

  for (let first = 0; first < catalog.repositories; first += BATCH_SIZE) {
    signal.throwIfAborted();
    const last = Math.min(first + BATCH_SIZE, catalog.repositories);
    const batch: RepositoryDocument[] = [];
    for (let index = first; index < last; index += 1)
      batch.push(repositoryDocument(catalog, index));

    await collection.insertMany(batch, { ordered: false });
    progress(last);
  }

  await ensureRepositoryIndexes(connection);
}

/** The service's collection through the bare driver, typed with the service's document shape. */
export function repositoryCollection(connection: Connection) {
  const db = connection.db;
  if (db === undefined) throw new Error('repositoryCollection() needs an open connection');
  return db.collection<RepositoryDocument>(repositoryModel(connection).collection.name);
}

// Two tags, one with a dot, so that documents carry an escaped map key as real ones do.
function repositoryDocument(catalog: BenchCatalog, index: number): RepositoryDocument {
  const name = catalog.repositoryName(index);
  const digest = `sha256:${createHash('sha256').update(name).digest('hex')}`;

  return {
    _id: name,
    owner: catalog.ownerName(index % catalog.owners),
    tags: {
      [tagKey('latest')]: tagDocument('latest', digest),
      [tagKey('v1.0')]: tagDocument('v1.0', digest),
    },
    updated: PUSHED_AT,
  };
}

function tagDocument(name: string, digest: string): TagDocument {
  return {
    name,
    digest,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    size: 1_234,
    pushedAt: PUSHED_AT,
  };
}

function digits(count: number): number {
  return String(Math.max(count - 1, 0)).length;
}
