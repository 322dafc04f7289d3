interface Submission<T> {
  readonly items: readonly T[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Writes what callers submit in batches, one batch at a time: while a batch is being written,
 * the submissions that arrive wait and then go together in the next, so that a burst costs a
 * few round trips instead of one per caller (group commit).
 *
 * Each submission resolves once the batch holding it was written, or rejects with that batch's
 * error: the write must then be safe to repeat, since part of a failed batch may have landed.
 */
export class WriteBatcher<T> {
  private waiting: Submission<T>[] = [];
  private writing = false;

  constructor(
    private readonly write: (items: readonly T[]) => Promise<void>,
    /** Items per batch at most; a submission is never split, so one may exceed it alone. */
    private readonly maxItems = 500,
  ) {}

  submit(items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();

    const done = new Promise<void>((resolve, reject) =>
      this.waiting.push({ items, resolve, reject }),
    );
    if (!this.writing) void this.drain();
    return done;
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const batch = this.take();
      try {
        await this.write(batch.flatMap((submission) => submission.items));
        for (const submission of batch) submission.resolve();
      } catch (error) {
        for (const submission of batch) submission.reject(error);
      }
    }
    this.writing = false;
  }

  private take(): Submission<T>[] {
    let count = 0;
    let taken = 0;
    for (const submission of this.waiting) {
      if (taken > 0 && count + submission.items.length > this.maxItems) break;
      count += submission.items.length;
      taken += 1;
    }
    return this.waiting.splice(0, taken);
  }
}
