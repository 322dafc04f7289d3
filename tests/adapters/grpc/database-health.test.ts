import { ClientError, createChannel, createClient, Status, type Channel } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { HealthCheckResponse_ServingStatus as ServingStatus } from 'nice-grpc-server-health/lib/proto/grpc/health/v1/health.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually } from '../../support/eventually.js';
import { FerretDbServer } from '../../support/ferretdb.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../../support/images-service.js';

type HealthClient = ReturnType<typeof createClient<typeof HealthDefinition>>;

describe('grpc.health.v1.Health', () => {
  let database: FerretDbServer;
  let stack: ServiceUnderTest;
  let channel: Channel;
  let health: HealthClient;

  beforeAll(async () => {
    database = await FerretDbServer.start();
    stack = await startServiceUnderTest({
      MONGODB_URI: `${database.uri}health`,
      REGISTRY_URL: 'http://127.0.0.1:9',
    });
    channel = createChannel(`127.0.0.1:${stack.service.grpcPort}`);
    health = createClient(HealthDefinition, channel);
  });

  afterAll(async () => {
    channel?.close();
    await stack?.stop();
    await database?.dispose();
  });

  it('reports SERVING for the server and for ImagesAPI while the database answers', async () => {
    expect(await health.check({ service: '' })).toEqual({ status: ServingStatus.SERVING });
    expect(await health.check({ service: 'ImagesAPI' })).toEqual({
      status: ServingStatus.SERVING,
    });
  });

  it('answers NOT_FOUND naming a service it does not report on', async () => {
    const checking = health.check({ service: 'grpc.reflection.v1.ServerReflection' });

    await expect(checking).rejects.toBeInstanceOf(ClientError);
    await expect(checking).rejects.toMatchObject({
      code: Status.NOT_FOUND,
      details:
        'unknown service "grpc.reflection.v1.ServerReflection": ' +
        'health is reported for "" and "ImagesAPI"',
    });
  });

  it('reports NOT_SERVING while the database is stopped and SERVING once it is back', async () => {
    const watch = watchStatuses(health, 'ImagesAPI');
    await watch.next(ServingStatus.SERVING);

    await database.stop();

    expect(await health.check({ service: '' })).toEqual({ status: ServingStatus.NOT_SERVING });
    expect(await health.check({ service: 'ImagesAPI' })).toEqual({
      status: ServingStatus.NOT_SERVING,
    });
    await watch.next(ServingStatus.NOT_SERVING);

    await database.restart();

    // The driver finds the server again on its own; no restart of the service.
    await eventually(async () =>
      expect(await health.check({ service: '' })).toEqual({ status: ServingStatus.SERVING }),
    );
    expect(await health.check({ service: 'ImagesAPI' })).toEqual({
      status: ServingStatus.SERVING,
    });
    await watch.next(ServingStatus.SERVING);
    watch.cancel();
  });

  it('keeps a Watch of an unknown service open with SERVICE_UNKNOWN, as the protocol asks', async () => {
    const watch = watchStatuses(health, 'NoSuchService');

    await watch.next(ServingStatus.SERVICE_UNKNOWN);
    watch.cancel();
  });

  it('ends every Watch with NOT_SERVING when the service stops, so that the stop is not held up', async () => {
    const watch = watchStatuses(health, '');
    await watch.next(ServingStatus.SERVING);

    await stack.stop();

    await watch.next(ServingStatus.NOT_SERVING);
    expect(await watch.ended).toBe(true);
  });
});

/**
 * A Watch call whose statuses arrive one by one; `next(expected)` waits for the next one and
 * checks it, `ended` resolves once the server ends the stream.
 */
function watchStatuses(health: HealthClient, service: string) {
  const abort = new AbortController();
  const received: ServingStatus[] = [];
  const waiters: Array<() => void> = [];
  const ended = (async () => {
    try {
      for await (const response of health.watch({ service }, { signal: abort.signal })) {
        received.push(response.status);
        waiters.splice(0).forEach((wake) => wake());
      }
      return true;
    } catch {
      return false;
    } finally {
      waiters.splice(0).forEach((wake) => wake());
    }
  })();

  let read = 0;
  return {
    ended,
    next: async (expected: ServingStatus) => {
      while (received.length <= read) {
        await new Promise<void>((resolve) => waiters.push(resolve));
        if (received.length <= read && (await isSettled(ended))) {
          throw new Error(`the Watch of "${service}" ended before sending ${expected}`);
        }
      }
      expect(received[read]).toBe(expected);
      read += 1;
    },
    cancel: () => abort.abort(),
  };
}

async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol('pending');
  return (await Promise.race([promise, Promise.resolve(pending)])) !== pending;
}
