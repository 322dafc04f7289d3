import { setTimeout as sleep } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import { KeyedSerializer } from '../../../src/adapters/mongo/keyed-serializer.js';

describe('KeyedSerializer', () => {
  it('runs tasks of one key one at a time, in arrival order', async () => {
    const serializer = new KeyedSerializer();
    const events: string[] = [];
    const task = (name: string, ms: number) => async () => {
      events.push(`start ${name}`);
      await sleep(ms);
      events.push(`end ${name}`);
      return name;
    };

    const results = await Promise.all([
      serializer.run('a', task('first', 30)),
      serializer.run('a', task('second', 1)),
    ]);

    expect(results).toEqual(['first', 'second']);
    expect(events).toEqual(['start first', 'end first', 'start second', 'end second']);
  });

  it('runs tasks of different keys concurrently', async () => {
    const serializer = new KeyedSerializer();
    const events: string[] = [];

    await Promise.all([
      serializer.run('a', async () => {
        events.push('start a');
        await sleep(30);
        events.push('end a');
      }),
      serializer.run('b', async () => {
        events.push('start b');
        events.push('end b');
      }),
    ]);

    expect(events.indexOf('end b')).toBeLessThan(events.indexOf('end a'));
  });

  it('passes a failure to its caller and keeps the queue going', async () => {
    const serializer = new KeyedSerializer();

    const failed = serializer.run('a', async () => {
      throw new Error('write failed');
    });
    const next = serializer.run('a', async () => 'ran');

    await expect(failed).rejects.toThrow('write failed');
    await expect(next).resolves.toBe('ran');
  });
});
