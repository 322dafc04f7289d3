/**
 * Runs tasks that share a key one after another, and tasks with different keys concurrently.
 *
 * FerretDB 1.x, our test server, applies each update as a read-modify-write of the whole document
 * (measured: 50 concurrent `$inc` of one field leave it at 2), so atomic operators alone lose
 * concurrent writes to one repository there. Serializing per repository within the process
 * restores correctness for one replica; MongoDB itself needs no help.
 */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(task, task);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);

    try {
      return await current;
    } finally {
      // The last task of a key removes it, so the map holds only keys with work queued.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
