import { Metadata } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ImagesAPIDefinition } from '../../../generated/images_api.js';
import { BaselineClient } from '../../support/baseline-client.js';
import { seedCatalog, tagPush } from '../../support/catalog-seed.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../../support/images-service.js';

const FIND_422 =
  'Image name parameter is required. It should consist of a username and an image name, such as ' +
  '<username>/<imagename>:<tag>. Tag parameter is optional.';
const DELETE_422 =
  'Image name parameter is required. It should consist of a username and an application name, ' +
  'such as username/imagename.';
const PUSHED_AT = new Date('2026-03-04T05:06:07Z');
const UPDATED = Math.floor(PUSHED_AT.getTime() / 1000);
// What tag_details (a later field) holds for alice/app as seeded below; no pulls yet.
const TAG_DETAILS = [
  {
    tag: 'latest',
    digest: `sha256:${'a'.repeat(64)}`,
    size: 428,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    pushed: UPDATED,
    pulls: 0,
    lastPulled: 0,
  },
  {
    tag: 'v1',
    digest: `sha256:${'a'.repeat(64)}`,
    size: 428,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    pushed: Math.floor(Date.parse('2026-01-01T00:00:00Z') / 1000),
    pulls: 0,
    lastPulled: 0,
  },
];

// Each is answered with the 422 by Find and by Delete.
const MALFORMED_NAMES = [
  '',
  'alice',
  'alice:v1',
  'Alice/app',
  'alice/App',
  'alice/',
  '/app',
  'alice//app',
  'alice/app/',
  'alice/-app',
  'alice/app-',
  'alice/.app',
  'alice/_app',
  'alice/a___b',
  'alice/a..b',
  'alice/my app',
  ' alice/app',
  'alice/app ',
  'alice/ap$p',
  'alice/äpp',
  'alice\\app',
  'localhost:5000/alice/app',
  'alice/app:',
  'alice/app:-v1',
  'alice/app:.v1',
  'alice/app:v1:v2',
  'alice/app:v 1',
  `alice/app:${'t'.repeat(129)}`,
  'alice/app@',
  'alice/app@sha256:abc',
  `a/${'b'.repeat(254)}`,
  'alice/app\n',
  '../../etc/passwd',
  'alice/app;drop',
  '{"$ne":null}',
];

describe('ImagesAPI over gRPC', () => {
  let stack: ServiceUnderTest;

  beforeAll(async () => {
    stack = await startServiceUnderTest({ REGISTRY_URL: 'http://127.0.0.1:9' });
    await seedCatalog(stack.mongodbUri, [
      tagPush('alice/app', 'latest', { pushedAt: PUSHED_AT }),
      tagPush('alice/app', 'v1', { pushedAt: new Date('2026-01-01T00:00:00Z') }),
      tagPush('alice/tools/cli', '1.0', { pushedAt: PUSHED_AT }),
      tagPush('bob/web', 'latest', { pushedAt: PUSHED_AT }),
    ]);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('keeps the service name of FogCore clients: no proto package', () => {
    expect(ImagesAPIDefinition.fullName).toBe('ImagesAPI');
    expect(Object.keys(ImagesAPIDefinition.methods)).toEqual([
      'list',
      'find',
      'delete',
      'watchImages',
    ]);
  });

  describe('List', () => {
    it("answers 200 with every user's images, grouped by user, for an empty username", async () => {
      const response = await stack.client.list({ username: '' });

      expect(response.status).toMatchObject({ code: 200 });
      expect(
        response.images.map((group) => [group.username, group.list.map((image) => image.name)]),
      ).toEqual([
        ['alice', ['alice/app', 'alice/tools/cli']],
        ['bob', ['bob/web']],
      ]);
    });

    it("answers 200 with one user's images and their fields", async () => {
      const response = await stack.client.list({ username: 'alice' });

      expect(response.images).toHaveLength(1);
      expect(response.images[0]?.list[0]).toEqual({
        type: 'repository',
        name: 'alice/app',
        updated: UPDATED,
        tags: ['latest', 'v1'],
        actions: ['push', 'pull'],
        tagDetails: TAG_DETAILS,
      });
      expect(response.nextPageToken).toBe('');
    });

    it('answers 404 "User not found or has no images yet." for a user without images', async () => {
      const response = await stack.client.list({ username: 'carol' });

      expect(response.status).toMatchObject({
        code: 404,
        message: 'User not found or has no images yet.',
      });
      expect(response.images).toEqual([]);
    });
  });

  describe('Find', () => {
    it('answers 200 with the image, tag latest by default', async () => {
      const response = await stack.client.find({ name: 'alice/app' });

      expect(response.status).toMatchObject({
        code: 200,
        message: 'Image with the specified name was found.',
      });
      expect(response.image).toEqual({
        type: 'repository',
        name: 'alice/app',
        updated: UPDATED,
        tags: ['latest', 'v1'],
        actions: ['push', 'pull'],
        tagDetails: TAG_DETAILS,
      });
    });

    it('answers 200 for an explicit tag of a nested repository', async () => {
      const response = await stack.client.find({ name: 'alice/tools/cli:1.0' });

      expect(response.status?.code).toBe(200);
      expect(response.image?.name).toBe('alice/tools/cli');
    });

    it('answers 200 for a digest', async () => {
      const response = await stack.client.find({ name: `bob/web@sha256:${'a'.repeat(64)}` });

      expect(response.status?.code).toBe(200);
    });

    it('answers 404 naming the missing tag', async () => {
      const response = await stack.client.find({ name: 'alice/app:v3' });

      expect(response.status).toMatchObject({
        code: 404,
        message: 'The specified image does not have tag v3.',
      });
      expect(response.image).toBeUndefined();
    });

    it('answers 404 naming latest when the repository has no such tag', async () => {
      const response = await stack.client.find({ name: 'alice/tools/cli' });

      expect(response.status).toMatchObject({
        code: 404,
        message: 'The specified image does not have tag latest.',
      });
    });

    it('answers 404 "Image with this name not found." for an unknown repository', async () => {
      const response = await stack.client.find({ name: 'alice/nothing:v1' });

      expect(response.status).toMatchObject({
        code: 404,
        message: 'Image with this name not found.',
      });
    });
  });

  describe('Delete', () => {
    it('answers 404 "Image with the specified name was not found." for an unknown repository', async () => {
      const response = await stack.client.delete({ name: 'alice/nothing' });

      expect(response).toMatchObject({
        code: 404,
        message: 'Image with the specified name was not found.',
      });
    });

    it('answers 404 for a tag the repository lacks, without touching the registry', async () => {
      const response = await stack.client.delete({ name: 'alice/app:v9' });

      expect(response).toMatchObject({
        code: 404,
        message: 'Image with the specified name was not found.',
      });
      expect((await stack.client.find({ name: 'alice/app:v1' })).status?.code).toBe(200);
    });

    it('answers 422 for a digest reference, which Delete does not take', async () => {
      const response = await stack.client.delete({ name: `alice/app@sha256:${'a'.repeat(64)}` });

      expect(response).toMatchObject({
        code: 422,
        message: DELETE_422,
        reason: 'INVALID_IMAGE_NAME',
      });
      expect(response.detail).toContain('must not carry a digest');
    });
  });

  describe('malformed names', () => {
    it(`holds at least 30 cases`, () => {
      expect(MALFORMED_NAMES.length).toBeGreaterThanOrEqual(30);
    });

    it.each(MALFORMED_NAMES)(
      'answers 422 to Find "%s" with the detail quoting it',
      async (name) => {
        const response = await stack.client.find({ name });

        expect(response.status).toMatchObject({
          code: 422,
          message: FIND_422,
          reason: 'INVALID_IMAGE_NAME',
        });
        expect(response.status?.detail).toContain(
          name === '' ? 'image name is required' : `"${name}"`,
        );
      },
    );

    it.each(MALFORMED_NAMES)('answers 422 to Delete "%s"', async (name) => {
      const response = await stack.client.delete({ name });

      expect(response).toMatchObject({
        code: 422,
        message: DELETE_422,
        reason: 'INVALID_IMAGE_NAME',
      });
    });
  });

  describe('request ids', () => {
    it("reuses a caller's x-request-id in the answer and in every log line of the call", async () => {
      const metadata = Metadata({ 'x-request-id': 'gateway-42' });

      const response = await stack.client.find({ name: 'alice/app:v3' }, { metadata });

      expect(response.status?.requestId).toBe('gateway-42');
      expect(stack.logs.forRequest('gateway-42')).toEqual([
        expect.objectContaining({ method: '/ImagesAPI/Find', code: 'TAG_NOT_FOUND', level: 30 }),
      ]);
    });

    it.each(['id with "quotes" and spaces', 'x'.repeat(129)])(
      'makes up an id when the caller\'s "%s" is unusable',
      async (offered) => {
        const metadata = Metadata({ 'x-request-id': offered });

        const response = await stack.client.find({ name: 'alice/app' }, { metadata });

        expect(response.status?.requestId).toMatch(/^[0-9a-f-]{36}$/);
      },
    );
  });

  describe('a client generated from the original contract', () => {
    let baseline: BaselineClient;

    beforeAll(() => {
      baseline = new BaselineClient(stack.service.grpcPort);
    });

    afterAll(() => baseline.close());

    it("reads Find's answer, ignoring the fields added since", async () => {
      expect(await baseline.call('Find', { name: 'alice/app:v1' })).toEqual({
        status: { code: 200, message: 'Image with the specified name was found.' },
        image: {
          type: 'repository',
          name: 'alice/app',
          updated: UPDATED,
          tags: ['latest', 'v1'],
          actions: ['push', 'pull'],
        },
      });
    });

    it("reads List's and Delete's answers", async () => {
      const list = (await baseline.call('List', { username: 'bob' })) as {
        images: { username: string }[];
      };
      expect(list.images.map((group) => group.username)).toEqual(['bob']);

      expect(await baseline.call('Delete', { name: '' })).toEqual({
        code: 422,
        message: DELETE_422,
      });
    });
  });
});
