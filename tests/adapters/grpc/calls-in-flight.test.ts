import { ClientError, createChannel, createClient, createServer, Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ImagesAPIDefinition, type ImagesAPIClient } from '../../../generated/images_api.js';
import { callsInFlightMiddleware } from '../../../src/adapters/grpc/calls-in-flight.js';

/** ImagesAPI on a real server on port 0 whose Find answers only when the test lets it. */
describe('GRPC_CALLS_IN_FLIGHT on a gRPC server', () => {
  let release: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => (release = resolve));
  const server = createServer().use(callsInFlightMiddleware(2));
  let client: ImagesAPIClient;
  let close: () => void;

  beforeAll(async () => {
    server.add(ImagesAPIDefinition, {
      find: async () => {
        await gate;
        return { status: { code: 200, message: 'found', reason: '', detail: '', requestId: '' } };
      },
      list: async () => ({ images: [] }),
      delete: async () => ({ code: 200, message: '', reason: '', detail: '', requestId: '' }),
      async *watchImages() {
        await gate;
      },
    });
    const port = await server.listen('127.0.0.1:0');
    const channel = createChannel(`127.0.0.1:${port}`);
    client = createClient(ImagesAPIDefinition, channel);
    close = () => channel.close();
  });

  afterAll(async () => {
    close();
    await server.shutdown();
  });

  it('refuses the calls beyond the bound with UNAVAILABLE at once and serves them afterwards', async () => {
    const held = [client.find({ name: 'a/b' }), client.find({ name: 'a/c' })];
    await new Promise((resolve) => setTimeout(resolve, 100));

    const refused = await client.find({ name: 'a/d' }).catch((error: unknown) => error);
    release();
    const answered = await Promise.all(held);
    const later = await client.find({ name: 'a/e' });

    expect(refused).toBeInstanceOf(ClientError);
    expect(refused).toMatchObject({
      code: Status.UNAVAILABLE,
      details: 'the service is busy: 2 calls in flight (GRPC_CALLS_IN_FLIGHT); retry later',
    });
    expect(answered.map((answer) => answer.status?.code)).toEqual([200, 200]);
    expect(later.status?.code).toBe(200);
  });

  it('does not count streams, which last as long as their watchers', async () => {
    gate = new Promise<void>((resolve) => (release = resolve));
    const watches = [1, 2, 3].map(() => {
      const iterator = client.watchImages({ username: '', cursor: '' })[Symbol.asyncIterator]();
      return iterator.next();
    });
    await new Promise((resolve) => setTimeout(resolve, 100));

    const answered = client.find({ name: 'a/f' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();

    expect((await answered).status?.code).toBe(200);
    expect((await Promise.all(watches)).every((step) => step.done)).toBe(true);
  });
});
