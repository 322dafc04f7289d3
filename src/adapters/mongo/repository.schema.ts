import { Schema, type Connection, type Model } from 'mongoose';

/** A tag as stored: its own name is kept because the map key is escaped. */
export interface TagDocument {
  name: string;
  digest: string;
  mediaType: string;
  size: number;
  pushedAt: Date;
  pulls?: number;
  lastPulledAt?: Date;
}

/**
 * One document per repository. The repository name is the `_id`: it is unique by construction,
 * and both MongoDB and FerretDB answer `_id` lookups fastest. Tags live in a map keyed by tag
 * name so that one tag can be changed atomically, with a condition, in a single update.
 */
export interface RepositoryDocument {
  _id: string;
  owner: string;
  tags: Record<string, TagDocument>;
  updated: Date;
  /** Manifests pushed by digest alone, keyed by digestKey(digest). */
  manifests?: Record<string, ManifestDocument>;
  /** When each tag was last deleted, keyed by tagKey(tag); see ImageCatalog on ordering. */
  deletedTags?: Record<string, Date>;
  /** When each manifest was last deleted, keyed by digestKey(digest). */
  deletedDigests?: Record<string, Date>;
  /** When the whole repository was last deleted. */
  deletedAt?: Date;
  /** The latest of all deletion times, so that pruning can drop a whole document in one query. */
  lastDeletionAt?: Date;
}

/** A manifest pushed by digest alone, such as a platform manifest under an index. */
export interface ManifestDocument {
  digest: string;
  mediaType: string;
  size: number;
  pushedAt: Date;
}

const tagSchema = new Schema<TagDocument>(
  {
    name: { type: String, required: true },
    digest: { type: String, required: true },
    mediaType: { type: String, required: true },
    size: { type: Number, required: true },
    pushedAt: { type: Date, required: true },
    pulls: { type: Number },
    lastPulledAt: { type: Date },
  },
  { _id: false },
);

const manifestSchema = new Schema<ManifestDocument>(
  {
    digest: { type: String, required: true },
    mediaType: { type: String, required: true },
    size: { type: Number, required: true },
    pushedAt: { type: Date, required: true },
  },
  { _id: false },
);

// A document that only remembers deletions has no owner and no `updated`: readers never see it.
const repositorySchema = new Schema<RepositoryDocument>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    tags: { type: Map, of: tagSchema, default: {} },
    updated: { type: Date, required: true },
    manifests: { type: Map, of: manifestSchema },
    deletedTags: { type: Map, of: Date },
    deletedDigests: { type: Map, of: Date },
    deletedAt: { type: Date },
    lastDeletionAt: { type: Date },
  },
  { collection: 'repositories', versionKey: false, autoIndex: false },
);

// List by owner reads this index in name order.
repositorySchema.index({ owner: 1, _id: 1 });

export type RepositoryModel = Model<RepositoryDocument>;

/** The connection's repository model, compiled on first use. */
export function repositoryModel(connection: Connection): RepositoryModel {
  const compiled = connection.models['Repository'] as RepositoryModel | undefined;
  return compiled ?? connection.model<RepositoryDocument>('Repository', repositorySchema);
}

/** Creates the indexes the catalog's queries rely on; safe to run at every start. */
export async function ensureRepositoryIndexes(connection: Connection): Promise<void> {
  await repositoryModel(connection).createIndexes();
}

/** The map key of a tag: tags may contain ".", which MongoDB reads as a path separator. */
export function tagKey(tag: string): string {
  return tag.replaceAll('.', '%2E');
}

/** The map key of a digest: an algorithm such as `sha256+b64u.x` may contain "." as well. */
export function digestKey(digest: string): string {
  return digest.replaceAll('.', '%2E');
}
