import { describe, expect, it } from 'vitest';

import { ReadThroughCache } from '../../../src/adapters/cache/read-through-cache.js';

/** A load that answers only when told to, and counts how often it was asked. */
class ControlledLoad {
  calls = 0;
  private release: Array<(value: string) => void> = [];

  readonly load = (): Promise<string> => {
    this.calls += 1;
    return new Promise((resolve) => this.release.push(resolve));
  };

  answer(value: string): void {
    for (const resolve of this.release.splice(0)) resolve(value);
  }
}

function setup(options: { ttlMs?: number; maxEntries?: number } = {}) {
  let now = 0;
  const cache = new ReadThroughCache<string>({
    ttlMs: options.ttlMs ?? 1000,
    maxEntries: options.maxEntries ?? 100,
    now: () => now,
  });
  return { cache, advance: (ms: number) => void (now += ms) };
}

describe('ReadThroughCache', () => {
  it('answers from memory within the TTL and loads again once it has passed', async () => {
    const { cache, advance } = setup();
    let loads = 0;
    const load = async () => `value ${(loads += 1)}`;

    expect(await cache.get('a', load)).toBe('value 1');
    advance(999);
    expect(await cache.get('a', load)).toBe('value 1');
    advance(1);
    expect(await cache.get('a', load)).toBe('value 2');
  });

  it('shares one load between concurrent reads of a key', async () => {
    const { cache } = setup();
    const source = new ControlledLoad();

    const reads = [cache.get('a', source.load), cache.get('a', source.load)];
    source.answer('shared');

    expect(await Promise.all(reads)).toEqual(['shared', 'shared']);
    expect(source.calls).toBe(1);
  });

  it('keeps what a load read before an invalidation out of memory', async () => {
    const { cache } = setup();
    const source = new ControlledLoad();

    const early = cache.get('a', source.load);
    cache.invalidate('a');
    source.answer('read before the write');

    expect(await early).toBe('read before the write');
    expect(await cache.get('a', async () => 'read after the write')).toBe('read after the write');
  });

  it('starts a new load for a read that arrives after an invalidation', async () => {
    const { cache } = setup();
    const first = new ControlledLoad();
    const second = new ControlledLoad();

    const before = cache.get('a', first.load);
    cache.invalidate('a');
    const after = cache.get('a', second.load);
    first.answer('old');
    second.answer('new');

    expect([await before, await after]).toEqual(['old', 'new']);
    expect(await cache.get('a', async () => 'not asked')).toBe('new');
  });

  it('forgets every key on clear, loads under way included', async () => {
    const { cache } = setup();
    await cache.get('a', async () => 'a');
    const source = new ControlledLoad();
    const pending = cache.get('b', source.load);

    cache.clear();
    source.answer('b');
    await pending;

    expect(cache.size).toBe(0);
  });

  it('stores nothing when a load fails, and the next read loads again', async () => {
    const { cache } = setup();

    await expect(cache.get('a', async () => Promise.reject(new Error('down')))).rejects.toThrow(
      'down',
    );

    expect(await cache.get('a', async () => 'back')).toBe('back');
  });

  it('drops the least recently stored entry beyond its bound', async () => {
    const { cache } = setup({ maxEntries: 2 });
    await cache.get('a', async () => 'a');
    await cache.get('b', async () => 'b');
    await cache.get('c', async () => 'c');

    expect(cache.size).toBe(2);
    expect(await cache.get('a', async () => 'a loaded again')).toBe('a loaded again');
    expect(await cache.get('c', async () => 'not asked')).toBe('c');
  });

  it('passes every read through with a TTL of 0', async () => {
    const { cache } = setup({ ttlMs: 0 });
    let loads = 0;
    const load = async () => `value ${(loads += 1)}`;

    await cache.get('a', load);

    expect(await cache.get('a', load)).toBe('value 2');
    expect(cache.size).toBe(0);
  });
});
