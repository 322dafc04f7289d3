import type { Clock } from '../../ports/clock.port.js';
import type { ImageCatalog } from '../../ports/image-catalog.port.js';
import type { ProcessedEvents } from '../../ports/processed-events.port.js';
import { success, type Result } from '../../shared/result.js';

export interface PrunedRecords {
  /** Pull event ids forgotten. */
  readonly processedEvents: number;
  /** Repositories whose old deletions were forgotten (or that held nothing else and went). */
  readonly repositories: number;
}

/**
 * Forgets what ingestion remembers only to stay idempotent and order-safe: processed pull ids
 * and deletions older than the retention. The retention must outlast the longest time an event
 * can wait in a registry's queue; an event older than that could apply again. Never fails; the
 * storage's errors propagate.
 */
export class PruneEventRecords {
  constructor(
    private readonly catalog: ImageCatalog,
    private readonly processed: ProcessedEvents,
    private readonly clock: Clock,
    private readonly retentionMs: number,
  ) {}

  async execute(): Promise<Result<PrunedRecords, never>> {
    const before = new Date(this.clock.now().getTime() - this.retentionMs);

    const processedEvents = await this.processed.prune(before);
    const repositories = await this.catalog.pruneDeletions(before);

    return success({ processedEvents, repositories });
  }
}
