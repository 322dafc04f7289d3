import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ImageEventKind } from '../../generated/images_api.js';
import { catalogDocuments, imageEventCount, registryTags } from '../support/catalog-state.js';
import { EventRecorder, notificationsTo } from '../support/event-recorder.js';
import { eventually, settled } from '../support/eventually.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../support/images-service.js';
import { REGISTRY_VERSIONS, RegistryServer } from '../support/registry.js';
import { pushTestImage, skopeoDelete, skopeoInspect, type PushedImage } from '../support/skopeo.js';

const SECRET = 'e2e-notification-secret-0123456789';

describe.each(REGISTRY_VERSIONS)('registry %s notifying the service', (version) => {
  let registry: RegistryServer;
  let recorder: EventRecorder;
  let stack: ServiceUnderTest;
  let dataDir: string;
  const pushed: Record<string, PushedImage> = {};

  const tagsOf = async (owner: string) => {
    const response = await stack.client.list({ username: owner });
    return Object.fromEntries(
      response.images.flatMap((group) =>
        group.list.map((image) => [image.name, [...image.tags].sort()]),
      ),
    );
  };
  const find = async (name: string) => (await stack.client.find({ name })).status;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'notifications-e2e-'));
    recorder = await EventRecorder.start();
    registry = await RegistryServer.start({
      version,
      notifications: notificationsTo(recorder, SECRET),
    });
    stack = await startServiceUnderTest({
      REGISTRY_URL: registry.url,
      NOTIFICATION_SECRETS: SECRET,
      DATA_DIR: dataDir,
    });
    recorder.target = `${stack.httpUrl}/event`;
  });

  afterAll(async () => {
    await stack?.stop();
    await registry?.dispose();
    await recorder?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lists two pushed tags under the namespace their repository names', async () => {
    pushed['v1'] = await pushTestImage(`${registry.host}/alice/app:v1`, { content: 'e2e one' });
    pushed['v2'] = await pushTestImage(`${registry.host}/alice/app:v2`, { content: 'e2e two' });

    await eventually(async () =>
      expect(await tagsOf('alice')).toEqual({ 'alice/app': ['v1', 'v2'] }),
    );
    expect(await find('alice/app:v1')).toMatchObject({ code: 200 });
  });

  it('moves a tag re-pushed with new content to the new manifest', async () => {
    const old = pushed['v1'] as PushedImage;
    pushed['v1'] = await pushTestImage(`${registry.host}/alice/app:v1`, { content: 'e2e three' });

    await eventually(async () =>
      expect(await find(`alice/app@${pushed['v1']?.digest}`)).toMatchObject({ code: 200 }),
    );
    expect(await find(`alice/app@${old.digest}`)).toMatchObject({
      code: 404,
      message: `The specified image does not have tag ${old.digest}.`,
    });
  });

  it('files a nested multi-arch repository under its first path component', async () => {
    await pushTestImage(`${registry.host}/alice/tools/cli:1.0`, {
      content: 'e2e cli',
      multiArch: true,
    });

    await eventually(async () =>
      expect(await tagsOf('alice')).toEqual({
        'alice/app': ['v1', 'v2'],
        'alice/tools/cli': ['1.0'],
      }),
    );
    expect(await find('alice/tools/cli:1.0')).toMatchObject({ code: 200 });
  });

  it("counts pulls of a tag by clients, a HEAD included, but not the service's own reads", async () => {
    const head = (userAgent: string) =>
      fetch(`${registry.url}/v2/alice/app/manifests/v1`, {
        method: 'HEAD',
        headers: { accept: pushed['v1']?.mediaType as string, 'user-agent': userAgent },
      });
    const sent = recorder.envelopes.length;

    expect(await skopeoInspect(`${registry.host}/alice/app:v1`)).toBe(pushed['v1']?.digest);
    expect((await head('containerd/1.7.24')).status).toBe(200);
    expect((await head('images-service')).status).toBe(200);

    await eventually(async () =>
      expect(recorder.envelopes.length).toBeGreaterThanOrEqual(sent + 3),
    );
    await settled(() => recorder.envelopes.length);
    const { documents } = await catalogDocuments(stack.mongodbUri);
    const app = documents.find((document) => (document as { _id: string })._id === 'alice/app');
    expect(app).toMatchObject({ tags: { v1: { pulls: 2 } } });
  });

  it("shows each tag's manifest, push time and pulls in Find's and List's tag details", async () => {
    const v1 = pushed['v1'] as PushedImage;

    const found = await stack.client.find({ name: 'alice/app:v1' });
    const listed = await stack.client.list({ username: 'alice' });

    const details = found.image?.tagDetails.find((detail) => detail.tag === 'v1');
    expect(details).toMatchObject({
      digest: v1.digest,
      size: v1.size,
      mediaType: v1.mediaType,
      pulls: 2,
    });
    const now = Date.now() / 1000;
    expect(details?.pushed).toBeGreaterThan(now - 600);
    expect(details?.lastPulled).toBeGreaterThanOrEqual(details?.pushed ?? Infinity);
    expect(found.image?.tagDetails.map((detail) => detail.tag)).toEqual(found.image?.tags);
    const app = listed.images[0]?.list.find((image) => image.name === 'alice/app');
    expect(app?.tagDetails).toEqual(found.image?.tagDetails);
  });

  it('removes a tag deleted with skopeo and keeps the other', async () => {
    await skopeoDelete(`${registry.host}/alice/app:v2`);

    await eventually(async () =>
      expect(await find('alice/app:v2')).toMatchObject({
        code: 404,
        message: 'The specified image does not have tag v2.',
      }),
    );
    expect(await tagsOf('alice')).toEqual({ 'alice/app': ['v1'], 'alice/tools/cli': ['1.0'] });
    expect((await catalogDocuments(stack.mongodbUri)).tags).toEqual(
      await registryTags(registry.url),
    );
  });

  it('changes nothing when every envelope is replayed three times in shuffled order', async () => {
    await settled(() => recorder.envelopes.length);
    const before = await catalogDocuments(stack.mongodbUri);
    const replays = [...recorder.accepted, ...recorder.accepted, ...recorder.accepted];
    const [order] = fc.sample(fc.shuffledSubarray(replays, { minLength: replays.length }), {
      numRuns: 1,
      seed: 7,
    });

    for (const envelope of order ?? []) {
      const response = await fetch(`${stack.httpUrl}/event`, {
        method: 'POST',
        headers: { 'content-type': envelope.contentType, authorization: envelope.authorization },
        body: envelope.body,
      });
      expect(response.status).toBe(200);
    }

    expect(replays.length).toBeGreaterThan(30);
    expect(await catalogDocuments(stack.mongodbUri)).toEqual(before);
  });

  it('deletes through gRPC so that skopeo finds nothing, and the echoed events change nothing more', async () => {
    const sent = recorder.envelopes.length;

    expect(await stack.client.delete({ name: 'alice/tools/cli' })).toMatchObject({ code: 200 });

    expect(await skopeoInspect(`${registry.host}/alice/tools/cli:1.0`)).toBeUndefined();
    expect(await find('alice/tools/cli:1.0')).toMatchObject({
      code: 404,
      message: 'Image with this name not found.',
    });
    await eventually(async () => expect(recorder.envelopes.length).toBeGreaterThan(sent));
    await settled(() => recorder.envelopes.length);
    expect(await find('alice/tools/cli')).toMatchObject({
      code: 404,
      message: 'Image with this name not found.',
    });
    expect(await tagsOf('alice')).toEqual({ 'alice/app': ['v1'] });
    expect((await catalogDocuments(stack.mongodbUri)).tags).toEqual(
      await registryTags(registry.url),
    );
  });

  it('told a watcher each change once and in order: none for replays or echoed deletions', async () => {
    const seen: string[] = [];

    // Leaving the loop cancels the call.
    for await (const event of stack.client.watchImages({ username: '', cursor: '0' })) {
      seen.push(`${event.cursor} ${ImageEventKind[event.kind]} ${event.name}:${event.tag}`);
      if (seen.length === 7) break;
    }

    // v1 and v2 were pushed back to back: a registry may deliver both in one envelope, whose
    // events are stored concurrently.
    expect(
      seen
        .slice(0, 2)
        .map((line) => line.slice(2))
        .sort(),
    ).toEqual(['IMAGE_EVENT_KIND_PUSHED alice/app:v1', 'IMAGE_EVENT_KIND_PUSHED alice/app:v2']);
    expect(seen.slice(2)).toEqual([
      '3 IMAGE_EVENT_KIND_TAG_MOVED alice/app:v1',
      '4 IMAGE_EVENT_KIND_PUSHED alice/tools/cli:1.0',
      '5 IMAGE_EVENT_KIND_TAG_DELETED alice/app:v2',
      '6 IMAGE_EVENT_KIND_TAG_DELETED alice/tools/cli:1.0',
      '7 IMAGE_EVENT_KIND_REPOSITORY_DELETED alice/tools/cli:',
    ]);
    expect(await imageEventCount(stack.mongodbUri)).toBe(7);
  }, 60_000);

  it('gives the documented answers to a wrong secret, an oversized body, malformed JSON and unknown actions', async () => {
    const post = (body: string, authorization = `Bearer ${SECRET}`) =>
      fetch(`${stack.httpUrl}/event`, {
        method: 'POST',
        headers: {
          'content-type': 'application/vnd.docker.distribution.events.v1+json',
          authorization,
        },
        body,
      });
    const unknown = {
      events: [
        {
          id: 'u1',
          timestamp: '2026-01-01T00:00:00Z',
          action: 'replicate',
          target: { repository: 'alice/app' },
        },
      ],
    };

    expect((await post('{"events":[]}', 'Bearer wrong-secret-0123456789')).status).toBe(401);
    expect(
      (await post(JSON.stringify({ events: [], padding: 'x'.repeat(1024 * 1024) }))).status,
    ).toBe(413);
    expect((await post('{"events":')).status).toBe(400);
    const answer = await post(JSON.stringify(unknown));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ received: 1, ignored: 1 });
  });
});
