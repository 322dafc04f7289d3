import { Schema, type Connection, type Model } from 'mongoose';

/** An event id already applied; `_id` makes the claim atomic and its lookup the fastest. */
export interface ProcessedEventDocument {
  _id: string;
  /** When this service applied it, for pruning: FerretDB has no TTL indexes. */
  at: Date;
}

const processedEventSchema = new Schema<ProcessedEventDocument>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'processed_events', versionKey: false, autoIndex: false },
);

// Pruning deletes by age; MongoDB reads this index, FerretDB scans regardless.
processedEventSchema.index({ at: 1 });

export type ProcessedEventModel = Model<ProcessedEventDocument>;

/** The connection's processed-event model, compiled on first use. */
export function processedEventModel(connection: Connection): ProcessedEventModel {
  const compiled = connection.models['ProcessedEvent'] as ProcessedEventModel | undefined;
  return (
    compiled ?? connection.model<ProcessedEventDocument>('ProcessedEvent', processedEventSchema)
  );
}

/** Creates the indexes pruning relies on; safe to run at every start. */
export async function ensureProcessedEventIndexes(connection: Connection): Promise<void> {
  await processedEventModel(connection).createIndexes();
}
