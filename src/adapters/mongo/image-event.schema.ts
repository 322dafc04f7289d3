import { Schema, type Connection, type Model } from 'mongoose';

import type { ImageEventKind } from '../../domain/events/image-event.js';

/** One logged change; `_id` is its cursor, so that reading after a cursor is a primary-key range. */
export interface ImageEventDocument {
  _id: number;
  /**
   * `_id` divided by EVENT_BLOCK_SIZE, rounded down: readers ask for a block by equality, which
   * FerretDB filters in SQL, where a range of `_id` makes it read the whole log. Absent from
   * events logged before the field existed.
   */
  block?: number;
  /** Unique: the same change is logged once however often it is appended. */
  key: string;
  kind: ImageEventKind;
  repository: string;
  owner: string;
  tag?: string;
  digest?: string;
  occurredAt: Date;
  /** When a replica logged it, for pruning: FerretDB has no TTL indexes. */
  loggedAt: Date;
}

const imageEventSchema = new Schema<ImageEventDocument>(
  {
    _id: { type: Number, required: true },
    block: { type: Number },
    key: { type: String, required: true },
    kind: { type: String, required: true },
    repository: { type: String, required: true },
    owner: { type: String, required: true },
    tag: { type: String },
    digest: { type: String },
    occurredAt: { type: Date, required: true },
    loggedAt: { type: Date, required: true },
  },
  { collection: 'image_events', versionKey: false, autoIndex: false },
);

imageEventSchema.index({ key: 1 }, { unique: true });
// Pruning looks up the newest event logged before a time; FerretDB scans regardless.
imageEventSchema.index({ loggedAt: 1 });

/** Cursors per block: a reader that keeps up asks for one block, at most this many events. */
export const EVENT_BLOCK_SIZE = 256;

export function eventBlock(cursor: number): number {
  return Math.floor(cursor / EVENT_BLOCK_SIZE);
}

export type ImageEventModel = Model<ImageEventDocument>;

/** The connection's image event model, compiled on first use. */
export function imageEventModel(connection: Connection): ImageEventModel {
  const compiled = connection.models['ImageEvent'] as ImageEventModel | undefined;
  return compiled ?? connection.model<ImageEventDocument>('ImageEvent', imageEventSchema);
}

/** Creates the unique key index appends rely on, and pruning's; safe to run at every start. */
export async function ensureImageEventIndexes(connection: Connection): Promise<void> {
  await imageEventModel(connection).createIndexes();
}
