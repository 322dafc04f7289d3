import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { seedCatalog, tagPush } from '../../support/catalog-seed.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../../support/images-service.js';
import { REGISTRY_VERSIONS, RegistryServer } from '../../support/registry.js';
import { pushTestImage, skopeoInspect, type PushedImage } from '../../support/skopeo.js';

const DELETED = { code: 200, message: 'Image with the specified name has been deleted.' };
const FOUND = { code: 200, message: 'Image with the specified name was found.' };
const NOT_FOUND = { code: 404, message: 'Image with this name not found.' };
const INTERNAL = {
  code: 500,
  message: 'An internal server error has occurred.',
  reason: 'INTERNAL',
};

describe.each(REGISTRY_VERSIONS)('gRPC Delete against registry %s', (version) => {
  let registry: RegistryServer;
  let stack: ServiceUnderTest;

  beforeEach(async () => {
    registry = await RegistryServer.start({ version });
    stack = await startServiceUnderTest({ REGISTRY_URL: registry.url });
  });

  afterEach(async () => {
    await stack?.stop();
    await registry?.dispose();
  });

  /** Pushes alice/app:<tag> with `content` to the registry and records it in the catalog. */
  async function pushAndRecord(tag: string, content: string): Promise<PushedImage> {
    const image = await pushTestImage(`${registry.host}/alice/app:${tag}`, { content });
    const { digest, mediaType, size } = image;
    await seedCatalog(stack.mongodbUri, [tagPush('alice/app', tag, { digest, mediaType, size })]);
    return image;
  }

  const inspect = (tag: string) => skopeoInspect(`${registry.host}/alice/app:${tag}`);

  it('deletes every manifest from the registry, then the catalog entry', async () => {
    const v1 = await pushAndRecord('v1', 'app v1');
    const v2 = await pushAndRecord('v2', 'app v2');

    const response = await stack.client.delete({ name: 'alice/app' });

    expect(response).toMatchObject(DELETED);
    expect(await inspect('v1')).toBeUndefined();
    expect(await inspect('v2')).toBeUndefined();
    expect(await registry.manifestStatus('alice/app', v1.digest)).toBe(404);
    expect(await registry.manifestStatus('alice/app', v2.digest)).toBe(404);
    expect((await stack.client.find({ name: 'alice/app' })).status).toMatchObject(NOT_FOUND);
  });

  it('deletes only the named tag when its manifest is its own', async () => {
    await pushAndRecord('v1', 'app v1');
    const v2 = await pushAndRecord('v2', 'app v2');

    const response = await stack.client.delete({ name: 'alice/app:v1' });

    expect(response).toMatchObject(DELETED);
    expect(await inspect('v1')).toBeUndefined();
    expect(await inspect('v2')).toBe(v2.digest);
    expect((await stack.client.find({ name: 'alice/app:v1' })).status).toMatchObject({
      code: 404,
      message: 'The specified image does not have tag v1.',
    });
    expect((await stack.client.find({ name: 'alice/app:v2' })).status).toMatchObject(FOUND);
  });

  if (version === '3') {
    it('deletes only the named tag on 3.x even when another tag shares its manifest', async () => {
      await pushAndRecord('v1', 'app shared');
      const v2 = await pushAndRecord('v2', 'app shared');

      const response = await stack.client.delete({ name: 'alice/app:v1' });

      expect(response).toMatchObject(DELETED);
      expect(await inspect('v1')).toBeUndefined();
      expect(await inspect('v2')).toBe(v2.digest);
      expect((await stack.client.find({ name: 'alice/app:v2' })).status).toMatchObject(FOUND);
    });
  } else {
    it('answers 409 TAG_SHARES_MANIFEST on 2.8 for a shared manifest', async () => {
      const v1 = await pushAndRecord('v1', 'app shared');
      await pushAndRecord('v2', 'app shared');

      const response = await stack.client.delete({ name: 'alice/app:v1' });

      expect(response).toMatchObject({
        code: 409,
        message:
          'The registry cannot delete this tag alone: other tags point at the same manifest.',
        reason: 'TAG_SHARES_MANIFEST',
        detail: 'tag "v1" of "alice/app" cannot be deleted alone: "v2" point at its manifest',
      });
      expect(await inspect('v1')).toBe(v1.digest);
      expect(await inspect('v2')).toBe(v1.digest);
      expect((await stack.client.find({ name: 'alice/app:v1' })).status).toMatchObject(FOUND);
    });
  }

  it('answers 500 while the registry is down, then 200 on retry', async () => {
    const v1 = await pushAndRecord('v1', 'app v1');
    await registry.stop();

    const failed = await stack.client.delete({ name: 'alice/app' });

    expect(failed).toMatchObject({ ...INTERNAL, detail: '' });
    expect((await stack.client.find({ name: 'alice/app:v1' })).status).toMatchObject(FOUND);
    const [cause] = stack.logs.forRequest(failed.requestId).filter((line) => line.level === 50);
    expect(cause).toMatchObject({ method: '/ImagesAPI/Delete', code: 'REGISTRY_UNAVAILABLE' });
    expect(JSON.stringify(cause?.['err'])).toContain(`registry ${registry.url} is unreachable`);

    await registry.restart();
    const retried = await stack.client.delete({ name: 'alice/app' });

    expect(retried).toMatchObject(DELETED);
    expect(await registry.manifestStatus('alice/app', v1.digest)).toBe(404);
    expect((await stack.client.find({ name: 'alice/app:v1' })).status).toMatchObject(NOT_FOUND);
  });
});
