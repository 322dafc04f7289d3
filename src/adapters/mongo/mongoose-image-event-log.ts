import type { ImageChange, ImageEvent } from '../../domain/events/image-event.js';
import type {
  ImageEventLog,
  ImageEventLogBounds,
} from '../../domain/ports/image-event-log.port.js';
import type { ImageEventDocument, ImageEventModel } from './image-event.schema.js';
import { KeyedSerializer } from './keyed-serializer.js';

const DUPLICATE_KEY = 11000;
// Each lost race means another replica appended meanwhile; this many in a row means a fault.
const MAX_ATTEMPTS = 50;
const APPENDS = 'appends';

/**
 * The image event log in MongoDB (or FerretDB): one document per event, its cursor as `_id`.
 *
 * An append reads the newest cursor and inserts the next one. Two replicas appending at once
 * race for the same `_id`; the loser's insert fails with a duplicate key and it tries the
 * following number. So cursors stay dense and a reader never sees a later cursor before an
 * earlier one: the earlier document was visible before the later number was chosen. The
 * unique index on `key` makes an append of a change already logged a duplicate too, which is
 * told apart by looking the key up. No change streams are needed: readers poll by cursor.
 */
export class MongooseImageEventLog implements ImageEventLog {
  // Appends of this process queue here, so that they never race one another for a cursor.
  private readonly appends = new KeyedSerializer();
  /** The newest cursor this process knows of; only a hint, checked before it is used. */
  private lastSeen: number | undefined;

  constructor(private readonly events: ImageEventModel) {}

  async append(changes: readonly ImageChange[], loggedAt: Date): Promise<void> {
    await this.appends.run(APPENDS, async () => {
      for (const change of changes) await this.appendOne(change, loggedAt);
    });
  }

  async readAfter(cursor: number, limit: number): Promise<ImageEvent[]> {
    // Pollers mostly ask at the newest event, to hear that nothing is new. Two `_id` lookups
    // say so, where the range query scans the collection on FerretDB (no pushdown of ranges).
    if (!(await this.exists(cursor + 1)) && (await this.exists(cursor))) return [];

    const documents = await this.events
      .find({ _id: { $gt: cursor } })
      .sort({ _id: 1 })
      .limit(limit)
      .lean();
    return documents.map(toImageEvent);
  }

  async bounds(): Promise<ImageEventLogBounds | undefined> {
    const newest = await this.newestCursor();
    if (newest === undefined) return undefined;

    const oldest = await this.events.findOne({}, { _id: 1 }).sort({ _id: 1 }).lean();
    return { oldest: oldest?._id ?? newest, newest };
  }

  async prune(before: Date): Promise<number> {
    const newest = await this.newestCursor();
    if (newest === undefined) return 0;

    // Everything up to the newest old event goes, so that what is kept stays one unbroken run;
    // the newest event stays whatever its age, so that numbering never starts over.
    const last = await this.events
      .findOne({ loggedAt: { $lt: before }, _id: { $lt: newest } }, { _id: 1 })
      .sort({ _id: -1 })
      .lean();
    if (last === null) return 0;

    const result = await this.events.deleteMany({ _id: { $lte: last._id } });
    return result.deletedCount;
  }

  private async appendOne(change: ImageChange, loggedAt: Date): Promise<void> {
    const { key, kind, repository, owner, tag, digest, occurredAt } = change;
    const document = {
      key,
      kind,
      repository,
      owner,
      ...(tag === undefined ? {} : { tag }),
      ...(digest === undefined ? {} : { digest }),
      occurredAt,
      loggedAt,
    };

    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const cursor = ((await this.newestForAppend()) ?? 0) + 1;
      try {
        // The raw insert: Mongoose would cast `_id` and build a document for nothing.
        await this.events.collection.insertOne({ _id: cursor as never, ...document });
        this.lastSeen = cursor;
        return;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      // The key already logged, or another replica took this cursor first.
      if ((await this.events.exists({ key })) !== null) return;
    }
    throw new Error(`image event "${key}" lost ${MAX_ATTEMPTS} races for a cursor in a row`);
  }

  /**
   * The newest cursor, found from the last one this process saw by `_id` lookups: the log has
   * no gaps, so when `n` is kept and `n + 1` is not, `n` is the newest. Only a cache that
   * pruning overtook falls back to the sorted query, which FerretDB answers with a scan.
   */
  private async newestForAppend(): Promise<number | undefined> {
    const known = this.lastSeen;
    if (known === undefined || !(await this.exists(known))) {
      this.lastSeen = await this.newestCursor();
      return this.lastSeen;
    }

    // Gallop past what other replicas appended, then narrow down to the last kept cursor.
    let low = known;
    let step = 1;
    while (await this.exists(low + step)) {
      low += step;
      step *= 2;
    }
    let high = low + step;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (await this.exists(middle)) low = middle;
      else high = middle;
    }
    this.lastSeen = low;
    return low;
  }

  private async exists(cursor: number): Promise<boolean> {
    return (await this.events.exists({ _id: cursor })) !== null;
  }

  private async newestCursor(): Promise<number | undefined> {
    const newest = await this.events.findOne({}, { _id: 1 }).sort({ _id: -1 }).lean();
    return newest?._id;
  }
}

function toImageEvent(document: ImageEventDocument): ImageEvent {
  return {
    cursor: document._id,
    key: document.key,
    kind: document.kind,
    repository: document.repository,
    owner: document.owner,
    ...(document.tag === undefined ? {} : { tag: document.tag }),
    ...(document.digest === undefined ? {} : { digest: document.digest }),
    occurredAt: document.occurredAt,
  };
}

function isDuplicateKey(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && 'code' in error && error.code === DUPLICATE_KEY
  );
}
