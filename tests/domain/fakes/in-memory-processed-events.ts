import type { ProcessedEvents } from '../../../src/domain/ports/processed-events.port.js';

/** The ProcessedEvents contract in memory, for use-case tests. */
export class InMemoryProcessedEvents implements ProcessedEvents {
  readonly claimed = new Map<string, Date>();

  /** Set to make every call reject, as a storage outage would. */
  failure: Error | undefined;

  async claim(id: string, at: Date): Promise<boolean> {
    this.failIfAsked();
    if (this.claimed.has(id)) return false;
    this.claimed.set(id, at);
    return true;
  }

  async release(id: string): Promise<void> {
    this.failIfAsked();
    this.claimed.delete(id);
  }

  async prune(before: Date): Promise<number> {
    this.failIfAsked();
    const old = [...this.claimed].filter(([, at]) => at < before);
    old.forEach(([id]) => this.claimed.delete(id));
    return old.length;
  }

  private failIfAsked(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
