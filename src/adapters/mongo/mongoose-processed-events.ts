import type { ProcessedEvents } from '../../domain/ports/processed-events.port.js';
import { isDuplicateKey } from './duplicate-key.js';
import type { ProcessedEventModel } from './processed-event.schema.js';

/** Processed event ids in MongoDB: one document per id, claimed by inserting it. */
export class MongooseProcessedEvents implements ProcessedEvents {
  constructor(private readonly events: ProcessedEventModel) {}

  async claim(id: string, at: Date): Promise<boolean> {
    try {
      // The raw insert skips document construction: this runs once per pull event.
      await this.events.collection.insertOne({ _id: id as never, at });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async release(id: string): Promise<void> {
    await this.events.deleteOne({ _id: id });
  }

  async prune(before: Date): Promise<number> {
    const result = await this.events.deleteMany({ at: { $lt: before } });
    return result.deletedCount;
  }
}
