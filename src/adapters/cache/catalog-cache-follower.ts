import type { Logger } from 'pino';

import {
  ImageEventFeedStoppedError,
  type ImageEventFeed,
} from '../../domain/ports/image-event-feed.port.js';
import type { ImageEventLog } from '../../domain/ports/image-event-log.port.js';
import type { CachingImageCatalog } from './caching-image-catalog.js';

export interface CatalogCacheFollowerOptions {
  /** How long to wait before following again after the log could not be read. */
  readonly retryDelayMs: number;
  readonly logger: Logger;
}

/**
 * Keeps the catalog cache of this replica in step with the writes of every other one: each
 * tag pushed, moved or deleted anywhere is in the shared image event log, so following it tells
 * the cache which repositories to forget, within WATCH_POLL_INTERVAL.
 *
 * Whenever following starts, or starts again after the log failed, the whole cache is
 * forgotten: changes logged while nobody followed would otherwise go unheard until expiry.
 */
export class CatalogCacheFollower {
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    private readonly catalog: CachingImageCatalog,
    private readonly log: ImageEventLog,
    private readonly feed: ImageEventFeed,
    private readonly options: CatalogCacheFollowerOptions,
  ) {}

  start(): void {
    this.running ??= this.follow();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private async follow(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        const from = (await this.log.bounds())?.newest ?? 0;
        this.catalog.forgetAll();
        for await (const event of this.feed.follow(from, signal)) {
          this.catalog.forget(event.repository);
        }
      } catch (error) {
        if (error instanceof ImageEventFeedStoppedError) return;
        this.catalog.forgetAll();
        this.options.logger.warn({ err: error }, 'catalog cache lost the image event log');
        await delay(this.options.retryDelayMs, signal);
      }
    }
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
