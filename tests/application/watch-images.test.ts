import { ClientError, Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ImageEventKind, type ImageEvent } from '../../generated/images_api.js';
import { eventually } from '../support/eventually.js';
import { isolatedDatabaseUri } from '../support/mongodb.js';
import { startServiceReplica, type ServiceReplica } from '../support/service-process.js';

const SECRET = 'watch-e2e-notification-secret-0123';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const digest = (letter: string) => `sha256:${letter.repeat(64)}`;
let serial = 0;

/** One registry event, as registry 3 reports it, `seconds` after a fixed instant. */
function registryEvent(
  action: 'push' | 'delete',
  repository: string,
  tag: string,
  letter: string,
  seconds: number,
) {
  serial += 1;
  return {
    id: `watch-e2e-${serial}`,
    timestamp: new Date(Date.UTC(2026, 11, 3, 12, 0, seconds)).toISOString(),
    action,
    target: {
      repository,
      tag,
      ...(action === 'push'
        ? { digest: digest(letter), mediaType: OCI_MANIFEST, size: 400 }
        : { mediaType: OCI_MANIFEST }),
    },
    request: { useragent: 'skopeo/1.9.3' },
  };
}

/** The next `count` events of a watch, then leaves it (which cancels the call). */
async function take(events: AsyncIterable<ImageEvent>, count: number): Promise<string[]> {
  const taken: string[] = [];
  for await (const event of events) {
    const kind = ImageEventKind[event.kind].replace('IMAGE_EVENT_KIND_', '');
    taken.push(`${event.cursor} ${kind} ${event.username} ${event.name}:${event.tag}`);
    if (taken.length === count) break;
  }
  return taken;
}

describe('WatchImages across two service processes sharing one database', () => {
  let replicaA: ServiceReplica;
  let replicaB: ServiceReplica;

  const postToA = async (...events: ReturnType<typeof registryEvent>[]) => {
    const response = await fetch(`${replicaA.httpUrl}/event`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${SECRET}`,
        'content-type': 'application/vnd.docker.distribution.events.v2+json',
      },
      body: JSON.stringify({ events }),
    });
    expect(response.status).toBe(200);
  };

  beforeAll(async () => {
    const shared = {
      MONGODB_URI: isolatedDatabaseUri('watch'),
      NOTIFICATION_SECRETS: SECRET,
      REGISTRY_URL: 'http://127.0.0.1:9',
      WATCH_POLL_INTERVAL: '100ms',
      // Long enough that only the image event log can tell B of A's writes in time.
      CATALOG_CACHE_TTL: '60s',
    };
    [replicaA, replicaB] = await Promise.all([
      startServiceReplica(shared),
      startServiceReplica(shared),
    ]);
  });

  afterAll(async () => {
    await replicaA?.dispose();
    await replicaB?.dispose();
  });

  it('delivers to a watcher on B a push posted to /event of A, with its details', async () => {
    const events = replicaB.client.watchImages({ username: '', cursor: '0' });
    const iterator = events[Symbol.asyncIterator]();
    const first = iterator.next();

    await postToA(registryEvent('push', 'alice/app', 'v1', 'a', 1));

    expect((await first).value).toEqual({
      cursor: '1',
      kind: ImageEventKind.IMAGE_EVENT_KIND_PUSHED,
      username: 'alice',
      name: 'alice/app',
      tag: 'v1',
      digest: digest('a'),
      time: Date.UTC(2026, 11, 3, 12, 0, 1) / 1000,
    });
    await iterator.return?.();
  });

  it('gives a watcher resuming by cursor exactly the events it missed while away', async () => {
    // Away: the watcher last saw cursor 1; three changes land meanwhile. One envelope's events
    // are stored concurrently, so each goes in its own to fix the order.
    await postToA(registryEvent('push', 'alice/app', 'v1', 'b', 2));
    await postToA(registryEvent('push', 'alice/app', 'v2', 'c', 3));
    await postToA(registryEvent('delete', 'alice/app', 'v2', 'c', 4));

    const resumed = replicaB.client.watchImages({ username: '', cursor: '1' });
    const caughtUp = take(resumed, 4);
    // A marker after the missed events: nothing may come between them and it.
    await postToA(registryEvent('push', 'bob/web', 'latest', 'd', 5));

    expect(await caughtUp).toEqual([
      '2 TAG_MOVED alice alice/app:v1',
      '3 PUSHED alice alice/app:v2',
      '4 TAG_DELETED alice alice/app:v2',
      '5 PUSHED bob bob/web:latest',
    ]);
  });

  it("gives a watcher filtered by owner only that owner's events, on either replica", async () => {
    const onB = take(replicaB.client.watchImages({ username: 'bob', cursor: '4' }), 1);
    const onA = take(replicaA.client.watchImages({ username: 'carol', cursor: '0' }), 1);

    await postToA(registryEvent('push', 'alice/app', 'v3', 'e', 6));
    await postToA(registryEvent('push', 'carol/db', 'v1', 'f', 7));

    expect(await onB).toEqual(['5 PUSHED bob bob/web:latest']);
    expect(await onA).toEqual(['7 PUSHED carol carol/db:v1']);
  });

  it('logs nothing when the same envelope is delivered again', async () => {
    const replayed = registryEvent('push', 'dave/tool', 'v1', 'a', 8);
    await postToA(replayed);
    await postToA(replayed);
    const watching = take(replicaB.client.watchImages({ username: '', cursor: '7' }), 2);

    await postToA(registryEvent('push', 'dave/tool', 'v2', 'a', 9));

    expect(await watching).toEqual(['8 PUSHED dave dave/tool:v1', '9 PUSHED dave dave/tool:v2']);
  });

  it("shows on B's Find and List, though B cached them, what /event of A changed", async () => {
    const tagsOnB = async () => {
      const found = await replicaB.client.find({ name: 'erin/app:v1' });
      const listed = await replicaB.client.list({ username: 'erin' });
      return [found.status?.code, listed.images[0]?.list[0]?.tags];
    };
    await postToA(registryEvent('push', 'erin/app', 'v1', 'a', 10));
    await eventually(async () => expect(await tagsOnB()).toEqual([200, ['v1']]));

    await postToA(registryEvent('push', 'erin/app', 'v2', 'b', 11));
    await postToA(registryEvent('delete', 'erin/app', 'v1', 'a', 12));

    // Within a few polls of the event log, far within the cache's 60 s.
    await eventually(async () => expect(await tagsOnB()).toEqual([404, ['v2']]), {
      timeoutMs: 3_000,
    });
  });

  it.each([
    ['x1', '', Status.INVALID_ARGUMENT, 'INVALID_CURSOR: cursor "x1" is not a cursor'],
    ['1', 'Bob', Status.INVALID_ARGUMENT, 'INVALID_USERNAME: username "Bob"'],
    ['999', '', Status.OUT_OF_RANGE, 'CURSOR_OUT_OF_RANGE: cursor "999" is beyond the events'],
  ])(
    'refuses cursor "%s" for username "%s" with a status naming the value',
    async (cursor, username, code, message) => {
      const watching = take(replicaB.client.watchImages({ username, cursor }), 1);

      const error = await watching.then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(ClientError);
      expect(error).toMatchObject({ code });
      expect((error as ClientError).details).toContain(message);
    },
  );

  it('ends a watch with UNAVAILABLE when its replica stops, without holding the stop up', async () => {
    const ended = take(replicaB.client.watchImages({ username: '', cursor: '' }), 1).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    // The call must have reached the server before the stop.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const exitCode = await replicaB.terminate();

    // 0 is the exit of a stop that drained every call in time.
    expect(exitCode).toBe(0);
    expect(await ended).toMatchObject({ code: Status.UNAVAILABLE });
  });
});
