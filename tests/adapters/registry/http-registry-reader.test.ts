import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { HttpRegistryReader } from '../../../src/adapters/registry/http-registry-reader.js';
import { anonymousRegistryAccess } from '../../../src/adapters/registry/registry-authorizer.js';
import { RegistryUnavailableError } from '../../../src/domain/ports/registry-client.port.js';
import { freePort } from '../../support/processes.js';
import { REGISTRY_VERSIONS, RegistryServer } from '../../support/registry.js';
import { pushTestImage, skopeoDelete, type PushedImage } from '../../support/skopeo.js';

const REPOSITORIES = ['alice/app', 'alice/tools/cli', 'bob/a', 'bob/b', 'carol/web'];

describe.each(REGISTRY_VERSIONS)('HttpRegistryReader against registry %s', (version) => {
  let registry: RegistryServer;
  let single: PushedImage;
  let index: PushedImage;
  let requests: string[];

  const reader = (pageSize?: number) =>
    new HttpRegistryReader({
      baseUrl: new URL(registry.url),
      timeoutMs: 5000,
      // Counts the requests: the reader asks for authorization once per request.
      authorizer: {
        authorization: async (scope) => {
          requests.push(scope);
          return anonymousRegistryAccess.authorization(scope);
        },
      },
      ...(pageSize === undefined ? {} : { pageSize }),
    });

  beforeAll(async () => {
    registry = await RegistryServer.start({ version });
    single = await pushTestImage(`${registry.host}/alice/app:v1`, { content: 'reader one' });
    await pushTestImage(`${registry.host}/alice/app:v2`, { content: 'reader one' });
    index = await pushTestImage(`${registry.host}/alice/app:multi`, {
      content: 'reader two',
      multiArch: true,
    });
    for (const name of REPOSITORIES.slice(1)) {
      await pushTestImage(`${registry.host}/${name}:latest`, { content: `reader ${name}` });
    }
  });

  afterAll(async () => {
    await registry.dispose();
  });

  it('lists every repository across pages of two, one request per page', async () => {
    requests = [];

    const names = await reader(2).repositories();

    expect(names.sort()).toEqual(REPOSITORIES);
    expect(requests).toEqual(['registry:catalog:*', 'registry:catalog:*', 'registry:catalog:*']);
  });

  it('lists every tag of a repository across pages', async () => {
    expect((await reader(2).tags('alice/app')).sort()).toEqual(['multi', 'v1', 'v2']);
  });

  it('lists no tags for a repository the registry never had', async () => {
    expect(await reader().tags('nobody/nothing')).toEqual([]);
  });

  it('describes a tag with the digest, media type and size of its manifest', async () => {
    expect(await reader().describeManifest('alice/app', 'v1')).toEqual({
      digest: single.digest,
      mediaType: single.mediaType,
      size: single.size,
    });
  });

  it('describes a multi-arch tag as its index, and a platform manifest by digest', async () => {
    expect(await reader().describeManifest('alice/app', 'multi')).toEqual({
      digest: index.digest,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      size: index.size,
    });
    expect(
      await reader().describeManifest('alice/app', index.platformDigests[0] as string),
    ).toMatchObject({
      digest: index.platformDigests[0],
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
    });
  });

  it('describes nothing for a tag the registry lacks', async () => {
    expect(await reader().describeManifest('alice/app', 'v404')).toBeUndefined();
  });

  it('lists a repository whose manifests were deleted as having no tags', async () => {
    await pushTestImage(`${registry.host}/dave/gone:v1`, { content: 'reader gone' });
    await skopeoDelete(`${registry.host}/dave/gone:v1`);

    expect(await reader().tags('dave/gone')).toEqual([]);
  });

  it('rejects with RegistryUnavailableError naming the registry when it cannot be reached', async () => {
    const closed = new HttpRegistryReader({
      baseUrl: new URL(`http://127.0.0.1:${await freePort()}`),
      timeoutMs: 2000,
      authorizer: anonymousRegistryAccess,
    });

    const failure = closed.repositories();

    await expect(failure).rejects.toBeInstanceOf(RegistryUnavailableError);
    await expect(failure).rejects.toThrow(/registry http:\/\/127\.0\.0\.1:\d+ is unreachable/);
  });
});
