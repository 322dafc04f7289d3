import { imageEventModel } from '../../src/adapters/mongo/image-event.schema.js';
import { connectMongo } from '../../src/adapters/mongo/mongo-connection.js';
import { repositoryModel } from '../../src/adapters/mongo/repository.schema.js';
import { HttpRegistryReader } from '../../src/adapters/registry/http-registry-reader.js';
import { anonymousRegistryAccess } from '../../src/adapters/registry/registry-authorizer.js';

/** Each repository with tags and what each tag points at: `{ "alice/app": { v1: "sha256:…" } }`. */
export type TagState = Record<string, Record<string, string>>;

/** What the registry holds, read through its API; repositories without tags are left out. */
export async function registryTags(registryUrl: string): Promise<TagState> {
  const reader = new HttpRegistryReader({
    baseUrl: new URL(registryUrl),
    timeoutMs: 5000,
    authorizer: anonymousRegistryAccess,
  });
  const state: TagState = {};

  for (const repository of (await reader.repositories()).sort()) {
    const tags: Record<string, string> = {};
    for (const tag of (await reader.tags(repository)).sort()) {
      const manifest = await reader.describeManifest(repository, tag);
      if (manifest !== undefined) tags[tag] = manifest.digest;
    }
    if (Object.keys(tags).length > 0) state[repository] = tags;
  }
  return state;
}

/** The catalog's documents as stored, for comparing before and after, and its tag state. */
export async function catalogDocuments(
  mongodbUri: string,
): Promise<{ documents: unknown[]; tags: TagState }> {
  const connection = await connectMongo(mongodbUri, { serverSelectionTimeoutMs: 5000 });
  try {
    const documents = await repositoryModel(connection).find({}).sort({ _id: 1 }).lean();
    const tags: TagState = {};
    for (const document of documents) {
      const entries = Object.values(document.tags ?? {}).map((tag) => [tag.name, tag.digest]);
      if (entries.length > 0) tags[document._id] = Object.fromEntries(entries.sort());
    }
    return { documents, tags };
  } finally {
    await connection.close();
  }
}

/** How many image events the service's log holds, read straight from the database. */
export async function imageEventCount(mongodbUri: string): Promise<number> {
  const connection = await connectMongo(mongodbUri, { serverSelectionTimeoutMs: 5000 });
  try {
    return await imageEventModel(connection).countDocuments();
  } finally {
    await connection.close();
  }
}
