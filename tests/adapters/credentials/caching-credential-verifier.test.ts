import { describe, expect, it } from 'vitest';

import { CachingCredentialVerifier } from '../../../src/adapters/credentials/caching-credential-verifier.js';
import { Secret } from '../../../src/domain/shared/secret.js';
import { FixedClock } from '../../domain/fakes/fixed-clock.js';
import { InMemoryCredentialVerifier } from '../../domain/fakes/in-memory-credential-verifier.js';

function setup(options = { ttlSeconds: 60, maxEntries: 100 }) {
  const clock = new FixedClock();
  const inner = new InMemoryCredentialVerifier()
    .add('alice', 'alice-secret')
    .add('bob', 'bob-secret');
  const cache = new CachingCredentialVerifier(inner, clock, options);
  return { clock, inner, cache };
}

const alice = () => new Secret('alice-secret');

describe('CachingCredentialVerifier', () => {
  it('asks the directory once for repeated right credentials within the TTL', async () => {
    const { cache, inner, clock } = setup();

    await cache.verify('alice', alice());
    clock.advance(59);
    const second = await cache.verify('alice', alice());

    expect(second).toEqual({ valid: true, account: { username: 'alice', admin: false } });
    expect(inner.verified).toEqual(['alice']);
  });

  it('asks again once the TTL has passed', async () => {
    const { cache, inner, clock } = setup();

    await cache.verify('alice', alice());
    clock.advance(60);
    await cache.verify('alice', alice());

    expect(inner.verified).toEqual(['alice', 'alice']);
  });

  it('never caches a failure', async () => {
    const { cache, inner } = setup();

    await cache.verify('alice', new Secret('guess'));
    await cache.verify('alice', new Secret('guess'));

    expect(inner.verified).toEqual(['alice', 'alice']);
  });

  it('does not let a cached password stand for another one', async () => {
    const { cache } = setup();
    await cache.verify('alice', alice());

    expect(await cache.verify('alice', new Secret('alice-secreT'))).toEqual({ valid: false });
    expect(await cache.verify('bob', alice())).toEqual({ valid: false });
  });

  it('keeps the split between username and password in the key', async () => {
    const { cache, inner } = setup();
    inner.add('a', 'b\0c');

    await cache.verify('a', new Secret('b\0c'));

    expect(await cache.verify('a\0b', new Secret('c'))).toEqual({ valid: false });
  });

  it('holds neither usernames nor passwords in its keys', async () => {
    const { cache } = setup();

    await cache.verify('alice', alice());

    const keys = [...(cache as unknown as { cache: Map<string, unknown> }).cache.keys()];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^[\w-]{43}$/);
    expect(keys[0]).not.toContain('alice');
  });

  it('drops the oldest entry beyond its bound', async () => {
    const { cache, inner } = setup({ ttlSeconds: 60, maxEntries: 1 });

    await cache.verify('alice', alice());
    await cache.verify('bob', new Secret('bob-secret'));
    await cache.verify('alice', alice());

    expect(cache.size).toBe(1);
    expect(inner.verified).toEqual(['alice', 'bob', 'alice']);
  });

  it('caches nothing with a TTL of 0', async () => {
    const { cache, inner } = setup({ ttlSeconds: 0, maxEntries: 100 });

    await cache.verify('alice', alice());
    await cache.verify('alice', alice());

    expect(inner.verified).toEqual(['alice', 'alice']);
  });

  it('asks the directory for the status of an account every time', async () => {
    const { cache, inner } = setup();
    await cache.verify('alice', alice());

    inner.remove('alice');

    expect(await cache.status('alice')).toEqual({ status: 'gone' });
  });

  it('lets concurrent requests with the same credentials share one verification', async () => {
    const { cache, inner } = setup();

    const answers = await Promise.all(
      Array.from({ length: 5 }, () => cache.verify('alice', alice())),
    );
    await cache.verify('alice', alice());

    expect(answers.every((answer) => answer.valid)).toBe(true);
    expect(inner.verified).toEqual(['alice']);
  });

  it('shares a verification only between identical credentials', async () => {
    const { cache, inner } = setup();

    const [right, wrong] = await Promise.all([
      cache.verify('alice', alice()),
      cache.verify('alice', new Secret('guess')),
    ]);

    expect(right.valid).toBe(true);
    expect(wrong).toEqual({ valid: false });
    expect(inner.verified).toEqual(['alice', 'alice']);
  });

  it('lets a failure shared by concurrent requests be tried again afterwards', async () => {
    const { cache, inner } = setup();
    inner.unavailable = true;

    const failures = await Promise.allSettled([
      cache.verify('alice', alice()),
      cache.verify('alice', alice()),
    ]);
    inner.unavailable = false;

    expect(failures.map((failure) => failure.status)).toEqual(['rejected', 'rejected']);
    expect((await cache.verify('alice', alice())).valid).toBe(true);
  });
});
