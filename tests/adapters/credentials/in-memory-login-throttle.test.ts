import { describe, expect, it } from 'vitest';

import { InMemoryLoginThrottle } from '../../../src/adapters/credentials/in-memory-login-throttle.js';
import { FixedClock } from '../../domain/fakes/fixed-clock.js';

const OPTIONS = {
  maxFailuresPerAccount: 3,
  maxFailuresPerAddress: 5,
  windowSeconds: 60,
  trustSeconds: 3600,
  maxTrackedKeys: 1000,
};

function setup(options = OPTIONS) {
  const clock = new FixedClock();
  return { clock, throttle: new InMemoryLoginThrottle(clock, options) };
}

const attempt = (username: string, clientAddress: string) => ({ username, clientAddress });

describe('InMemoryLoginThrottle', () => {
  it('lets attempts through below the account limit', () => {
    const { throttle } = setup();

    throttle.recordFailure(attempt('alice', '10.0.0.1'));
    throttle.recordFailure(attempt('alice', '10.0.0.2'));

    expect(throttle.retryAfter(attempt('alice', '10.0.0.3'))).toBeUndefined();
  });

  it('blocks an account after its limit, from every address, until the oldest failure ages out', () => {
    const { throttle, clock } = setup();

    throttle.recordFailure(attempt('alice', '10.0.0.1'));
    clock.advance(10);
    throttle.recordFailure(attempt('alice', '10.0.0.2'));
    throttle.recordFailure(attempt('alice', '10.0.0.3'));

    expect(throttle.retryAfter(attempt('alice', '10.0.0.9'))).toBe(50);
    clock.advance(50);
    expect(throttle.retryAfter(attempt('alice', '10.0.0.9'))).toBeUndefined();
  });

  it('blocks an address after its limit, for every account', () => {
    const { throttle } = setup();

    for (const username of ['a', 'b', 'c', 'd', 'e'])
      throttle.recordFailure(attempt(username, '10.0.0.1'));

    expect(throttle.retryAfter(attempt('zoe', '10.0.0.1'))).toBe(60);
    expect(throttle.retryAfter(attempt('zoe', '10.0.0.2'))).toBeUndefined();
  });

  it('does not slow down other accounts while one is attacked', () => {
    const { throttle } = setup();

    for (let i = 0; i < 3; i += 1) throttle.recordFailure(attempt('alice', `10.0.0.${i}`));

    expect(throttle.retryAfter(attempt('bob', '10.0.1.1'))).toBeUndefined();
  });

  it('keeps letting in an address that logged in to the attacked account', () => {
    const { throttle, clock } = setup();
    throttle.recordSuccess(attempt('alice', '192.0.2.10'));
    clock.advance(600);

    for (let i = 0; i < 10; i += 1) throttle.recordFailure(attempt('alice', `10.0.0.${i}`));

    expect(throttle.retryAfter(attempt('alice', '192.0.2.10'))).toBeUndefined();
    expect(throttle.retryAfter(attempt('alice', '10.0.0.99'))).toBe(60);
  });

  it('stops trusting an address once its login is older than the trust period', () => {
    const { throttle, clock } = setup();
    throttle.recordSuccess(attempt('alice', '192.0.2.10'));
    clock.advance(3600);

    for (let i = 0; i < 3; i += 1) throttle.recordFailure(attempt('alice', `10.0.0.${i}`));

    expect(throttle.retryAfter(attempt('alice', '192.0.2.10'))).toBe(60);
  });

  it('still blocks a trusted address that fails too often itself', () => {
    const { throttle } = setup();
    throttle.recordSuccess(attempt('alice', '192.0.2.10'));

    for (let i = 0; i < 5; i += 1) throttle.recordFailure(attempt('alice', '192.0.2.10'));

    expect(throttle.retryAfter(attempt('alice', '192.0.2.10'))).toBe(60);
  });

  it('answers the longer wait when both limits are reached', () => {
    const { throttle, clock } = setup();
    for (let i = 0; i < 5; i += 1) throttle.recordFailure(attempt(`u${i}`, '10.0.0.1'));
    clock.advance(30);
    for (let i = 0; i < 3; i += 1) throttle.recordFailure(attempt('alice', '10.0.0.2'));

    expect(throttle.retryAfter(attempt('alice', '10.0.0.1'))).toBe(60);
  });

  it('forgets the oldest keys beyond its bound', () => {
    const { throttle } = setup({ ...OPTIONS, maxTrackedKeys: 2 });

    for (let i = 0; i < 3; i += 1) throttle.recordFailure(attempt('alice', '10.0.0.1'));
    throttle.recordFailure(attempt('bob', '10.0.0.2'));
    throttle.recordFailure(attempt('carol', '10.0.0.3'));

    expect(throttle.retryAfter(attempt('alice', '10.0.0.9'))).toBeUndefined();
  });
});
