import { describe, expect, it } from 'vitest';

import { WriteBatcher } from '../../../src/adapters/mongo/write-batcher.js';

/** A store whose writes finish only when told to, recording each batch it was given. */
class SlowStore {
  readonly batches: string[][] = [];
  private finish: Array<(error?: Error) => void> = [];

  readonly write = (items: readonly string[]): Promise<void> => {
    this.batches.push([...items]);
    return new Promise((resolve, reject) =>
      this.finish.push((error) => (error === undefined ? resolve() : reject(error))),
    );
  };

  async complete(error?: Error): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.finish.shift()?.(error);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('WriteBatcher', () => {
  it('writes what arrives during a write in one following batch, in arrival order', async () => {
    const store = new SlowStore();
    const batcher = new WriteBatcher(store.write);

    const first = batcher.submit(['a']);
    const second = batcher.submit(['b', 'c']);
    const third = batcher.submit(['d']);
    await store.complete();
    await store.complete();

    await Promise.all([first, second, third]);
    expect(store.batches).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('rejects every submission of a failed batch, and goes on with the next', async () => {
    const store = new SlowStore();
    const batcher = new WriteBatcher(store.write);

    const outcomes = Promise.allSettled([
      batcher.submit(['a']),
      batcher.submit(['b']),
      batcher.submit(['c']),
    ]);
    await store.complete();
    await store.complete(new Error('database down'));

    expect((await outcomes).map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
    ]);

    const later = batcher.submit(['d']);
    await store.complete();
    await expect(later).resolves.toBeUndefined();
    expect(store.batches).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  it('keeps batches within the bound without splitting a submission', async () => {
    const store = new SlowStore();
    const batcher = new WriteBatcher(store.write, 3);

    const all = [
      batcher.submit(['a']),
      batcher.submit(['b', 'c']),
      batcher.submit(['d', 'e']),
      batcher.submit(['f', 'g', 'h', 'i']),
    ];
    for (let batch = 0; batch < 4; batch += 1) await store.complete();

    await Promise.all(all);
    expect(store.batches).toEqual([['a'], ['b', 'c'], ['d', 'e'], ['f', 'g', 'h', 'i']]);
  });

  it('resolves an empty submission without writing', async () => {
    const store = new SlowStore();

    await new WriteBatcher(store.write).submit([]);

    expect(store.batches).toEqual([]);
  });
});
