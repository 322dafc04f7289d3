import type { ImageChange, ImageEvent } from '../../domain/events/image-event.js';
import type {
  ImageEventLog,
  ImageEventLogBounds,
} from '../../domain/ports/image-event-log.port.js';
import { DUPLICATE_KEY } from './duplicate-key.js';
import { eventBlock, type ImageEventDocument, type ImageEventModel } from './image-event.schema.js';
import { WriteBatcher } from './write-batcher.js';

// Each lost race means another replica appended meanwhile, or a change was logged already;
// this many in a row means a fault.
const MAX_ATTEMPTS = 50;

// Well within the shortest WATCH_RETENTION (60 s), leaving room for clocks that disagree.
const GUESS_WINDOW_MS = 10_000;

/** An event as inserted, but for its cursor, which is chosen when its batch is written. */
type PendingEvent = Omit<ImageEventDocument, '_id'>;

/**
 * The image event log in MongoDB (or FerretDB): one document per event, its cursor as `_id`.
 *
 * An append reads the newest cursor and inserts the next ones, in order. Two replicas
 * appending at once race for the same `_id`; the loser's insert fails with a duplicate key and
 * it tries the following number. So cursors stay dense and a reader never sees a later cursor
 * before an earlier one: the earlier document was visible before the later number was chosen.
 * The unique index on `key` makes an append of a change already logged a duplicate too, which
 * is told apart by looking the key up. No change streams are needed: readers poll by cursor.
 *
 * The appends of this process go in batches (one ordered insert for all the changes that
 * queued while the previous batch was written), so they never race one another for a cursor
 * and a burst of events costs a few round trips rather than three per change.
 */
export class MongooseImageEventLog implements ImageEventLog {
  private readonly appends = new WriteBatcher<PendingEvent>((batch) => this.insertInOrder(batch));
  /** The newest cursor this process knows of; only a hint, checked before it is used. */
  private lastSeen: number | undefined;
  /** When the events of this process's last append were logged. */
  private lastLoggedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly events: ImageEventModel) {}

  async append(changes: readonly ImageChange[], loggedAt: Date): Promise<void> {
    await this.appends.submit(changes.map((change) => pendingEvent(change, loggedAt)));
  }

  async readAfter(cursor: number, limit: number): Promise<ImageEvent[]> {
    // Pollers mostly ask at the newest event, to hear that nothing is new: two `_id` lookups
    // say so.
    if (!(await this.exists(cursor + 1))) {
      if (await this.exists(cursor)) return [];
      // The cursor was pruned, or is past the end: whatever is kept after it, by the range.
      return this.readRange(cursor, limit);
    }

    const events = await this.readBlocks(cursor + 1, limit);
    return events ?? this.readRange(cursor, limit);
  }

  /**
   * The events from `first` on, which is kept, read block by block: cursors have no gaps, so a
   * block that ends short of its last cursor ends the log. Undefined when a block misses an
   * event it should hold (one logged before blocks existed): then only the range is sure.
   */
  private async readBlocks(first: number, limit: number): Promise<ImageEvent[] | undefined> {
    const events: ImageEvent[] = [];
    let next = first;
    while (events.length < limit) {
      const block = eventBlock(next);
      const documents = await this.events
        .find({ block, _id: { $gte: next } })
        .sort({ _id: 1 })
        .limit(limit - events.length)
        .lean();
      for (const document of documents) {
        if (document._id !== next) return undefined;
        events.push(toImageEvent(document));
        next += 1;
      }
      if (documents.length === 0 && events.length === 0) return undefined;
      if (eventBlock(next) === block) break;
    }
    return events;
  }

  // FerretDB pushes no range down to SQL: this reads the whole log there.
  private async readRange(cursor: number, limit: number): Promise<ImageEvent[]> {
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

  /**
   * Inserts the events under the cursors that follow the newest, in order. An ordered insert
   * stops at its first duplicate: the events before it are in; the one it stopped at was either
   * logged before (its key is found: it is skipped) or lost its cursor to another replica (it is
   * tried again under the next one), and so are the ones after it.
   */
  private async insertInOrder(batch: readonly PendingEvent[]): Promise<void> {
    let remaining = batch;
    // First the cursor after this process's own last append, with no lookup: it is free unless
    // another replica appended meanwhile, which the duplicate key then tells, at no extra cost.
    // Only while that append is recent: pruning (WATCH_RETENTION, a minute at least) removes
    // old cursors, and the one after a pruned cursor may be free again, far behind the newest.
    // The times compared are the ones pruning compares: when each event was logged.
    const loggedAt = Math.min(...batch.map((event) => event.loggedAt.getTime()));
    let guess = loggedAt - this.lastLoggedAt < GUESS_WINDOW_MS ? this.lastSeen : undefined;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const first = (guess ?? (await this.newestForAppend()) ?? 0) + 1;
      guess = undefined;
      const documents = remaining.map((event, index) => ({
        _id: first + index,
        block: eventBlock(first + index),
        ...event,
      }));
      try {
        // The raw insert: Mongoose would cast `_id` and build documents for nothing.
        await this.events.collection.insertMany(documents as never[], { ordered: true });
        this.lastSeen = first + documents.length - 1;
        this.lastLoggedAt = Math.max(...remaining.map((event) => event.loggedAt.getTime()));
        return;
      } catch (error) {
        const stoppedAt = duplicateIndex(error);
        if (stoppedAt === undefined) throw error;
        if (stoppedAt > 0) this.lastSeen = first + stoppedAt - 1;

        const duplicate = remaining[stoppedAt] as PendingEvent;
        const logged = (await this.events.exists({ key: duplicate.key })) !== null;
        remaining = remaining.slice(logged ? stoppedAt + 1 : stoppedAt);
        if (remaining.length === 0) return;
      }
    }
    throw new Error(`image events lost ${MAX_ATTEMPTS} races for a cursor in a row`);
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

function pendingEvent(change: ImageChange, loggedAt: Date): PendingEvent {
  const { key, kind, repository, owner, tag, digest, occurredAt } = change;
  return {
    key,
    kind,
    repository,
    owner,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
    occurredAt,
    loggedAt,
  };
}

/** Where an ordered insert stopped on a duplicate key; undefined for any other failure. */
function duplicateIndex(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { writeErrors } = error as { writeErrors?: unknown };
  const first = (Array.isArray(writeErrors) ? writeErrors[0] : writeErrors) as
    { code?: unknown; index?: unknown } | undefined;
  if (first?.code !== DUPLICATE_KEY || typeof first.index !== 'number') return undefined;
  return first.index;
}
