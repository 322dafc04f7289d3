import type { Clock } from '../../ports/clock.port.js';
import type { ImageEventLog } from '../../ports/image-event-log.port.js';
import { success, type Result } from '../../shared/result.js';

/**
 * Forgets the image events logged longer ago than the watch retention. A watcher whose cursor
 * is older than that must read the catalog anew (WatchImages answers CURSOR_OUT_OF_RANGE).
 * Resolves to how many events went; never fails, the storage's errors propagate.
 */
export class PruneImageEvents {
  constructor(
    private readonly log: ImageEventLog,
    private readonly clock: Clock,
    private readonly retentionMs: number,
  ) {}

  async execute(): Promise<Result<number, never>> {
    const before = new Date(this.clock.now().getTime() - this.retentionMs);
    return success(await this.log.prune(before));
  }
}
