import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  HttpRegistryClient,
  type HttpRegistryClientOptions,
} from '../../../src/adapters/registry/http-registry-client.js';
import { anonymousRegistryAccess } from '../../../src/adapters/registry/registry-authorizer.js';
import {
  RegistryUnavailableError,
  TagSharesManifestError,
} from '../../../src/domain/ports/registry-client.port.js';
import { freePort } from '../../support/processes.js';
import { REGISTRY_VERSIONS, RegistryServer } from '../../support/registry.js';
import { pushTestImage } from '../../support/skopeo.js';

function clientFor(url: string, options: Partial<HttpRegistryClientOptions> = {}) {
  return new HttpRegistryClient({
    baseUrl: new URL(url),
    timeoutMs: 10_000,
    authorizer: anonymousRegistryAccess,
    ...options,
  });
}

describe.each(REGISTRY_VERSIONS)('HttpRegistryClient against registry %s', (version) => {
  let registry: RegistryServer;
  let client: HttpRegistryClient;

  beforeAll(async () => {
    registry = await RegistryServer.start({ version });
    client = clientFor(registry.url);
  });

  afterAll(async () => {
    await registry?.dispose();
  });

  /** Pushes `<repository>:<tag>` with `content`; equal content gives equal digests. */
  async function push(repository: string, tag: string, content: string, multiArch = false) {
    const image = await pushTestImage(`${registry.host}/${repository}:${tag}`, {
      content,
      multiArch,
    });
    return image.digest;
  }

  it('deleteRepository deletes every manifest, shared and multi-arch ones included', async () => {
    const digests = [
      await push('alice/every', 'v1', 'every v1'),
      await push('alice/every', 'v2', 'every v2'),
      await push('alice/every', 'latest', 'every v2'),
      await push('alice/every', 'multi', 'every multi', true),
    ];

    await client.deleteRepository('alice/every');

    for (const reference of ['v1', 'v2', 'latest', 'multi', ...digests]) {
      expect(await registry.manifestStatus('alice/every', reference), reference).toBe(404);
    }
    expect(await registry.tags('alice/every')).toEqual([]);
  });

  it('deleteRepository of a repository the registry never had resolves', async () => {
    await expect(client.deleteRepository('alice/never-pushed')).resolves.toBeUndefined();
  });

  it('deleteRepository leaves the other repositories alone', async () => {
    const kept = await push('bob/kept', 'v1', 'kept v1');
    await push('bob/dropped', 'v1', 'kept v1');

    await client.deleteRepository('bob/dropped');

    expect(await registry.manifestStatus('bob/dropped', 'v1')).toBe(404);
    expect(await registry.manifestStatus('bob/kept', kept)).toBe(200);
  });

  it('deleteTag of a tag the registry does not have resolves', async () => {
    await push('alice/has-one', 'v1', 'has-one v1');

    await expect(client.deleteTag('alice/has-one', 'v9')).resolves.toBeUndefined();
    await expect(client.deleteTag('alice/tagless', 'v1')).resolves.toBeUndefined();
    expect(await registry.tags('alice/has-one')).toEqual(['v1']);
  });

  it('deleteTag removes a tag with a manifest of its own and keeps the others', async () => {
    await push('alice/alone', 'v1', 'alone v1');
    const v2 = await push('alice/alone', 'v2', 'alone v2');

    await client.deleteTag('alice/alone', 'v1');

    expect(await registry.manifestStatus('alice/alone', 'v1')).toBe(404);
    expect(await registry.manifestStatus('alice/alone', v2)).toBe(200);
    expect(await registry.tags('alice/alone')).toEqual(['v2']);
  });

  if (version === '3') {
    it('deleteTag on 3.x removes only the tag, whose manifest other tags share', async () => {
      const shared = await push('alice/shared', 'v1', 'shared');
      await push('alice/shared', 'latest', 'shared');

      await client.deleteTag('alice/shared', 'v1');

      expect(await registry.manifestStatus('alice/shared', 'v1')).toBe(404);
      expect(await registry.manifestStatus('alice/shared', 'latest')).toBe(200);
      expect(await registry.manifestStatus('alice/shared', shared)).toBe(200);
      expect(await registry.tags('alice/shared')).toEqual(['latest']);
    });
  } else {
    it("deleteTag on 2.8 deletes the tag's manifest, as 2.8 deletes by digest", async () => {
      const v1 = await push('alice/by-digest', 'v1', 'by-digest v1');
      await push('alice/by-digest', 'v2', 'by-digest v2');

      await client.deleteTag('alice/by-digest', 'v1');

      expect(await registry.manifestStatus('alice/by-digest', v1)).toBe(404);
      expect(await registry.manifestStatus('alice/by-digest', 'v2')).toBe(200);
    });

    it('deleteTag on 2.8 rejects a shared manifest with TagSharesManifestError', async () => {
      const shared = await push('alice/shared', 'v1', 'shared');
      await push('alice/shared', 'v2', 'shared');
      await push('alice/shared', 'latest', 'shared');

      const rejection = client.deleteTag('alice/shared', 'v1');

      await expect(rejection).rejects.toBeInstanceOf(TagSharesManifestError);
      await expect(rejection).rejects.toMatchObject({
        message: 'tag "v1" of "alice/shared" shares its manifest with "latest", "v2"',
        repository: 'alice/shared',
        tag: 'v1',
        otherTags: ['latest', 'v2'],
      });
      expect(await registry.manifestStatus('alice/shared', shared)).toBe(200);
      expect(await registry.tags('alice/shared')).toEqual(['latest', 'v1', 'v2']);
    });
  }

  it('deleteRepository finds all 5 tags in pages of 2, following Link headers', async () => {
    const digests: string[] = [];
    for (const tag of ['t1', 't2', 't3', 't4', 't5']) {
      digests.push(await push('alice/paged', tag, `paged ${tag}`));
    }

    // 3.x pages and links to the next page; 2.8 ignores the page size and answers every tag.
    const firstPage = await fetch(`${registry.url}/v2/alice/paged/tags/list?n=2`);
    expect(firstPage.headers.has('link')).toBe(version === '3');

    await clientFor(registry.url, { tagsPageSize: 2 }).deleteRepository('alice/paged');

    for (const digest of digests) {
      expect(await registry.manifestStatus('alice/paged', digest), digest).toBe(404);
    }
  });

  it('rejects with RegistryUnavailableError naming the registry while it is stopped', async () => {
    const digest = await push('alice/outage', 'v1', 'outage v1');
    await registry.stop();

    try {
      const rejection = client.deleteRepository('alice/outage');

      await expect(rejection).rejects.toBeInstanceOf(RegistryUnavailableError);
      await expect(rejection).rejects.toMatchObject({
        message: `registry ${registry.url} is unreachable (ECONNREFUSED)`,
      });
    } finally {
      await registry.restart();
    }
    expect(await registry.manifestStatus('alice/outage', digest)).toBe(200);
  });
});

describe('HttpRegistryClient without a registry', () => {
  it('deleteTag rejects with RegistryUnavailableError naming the closed port', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;

    const rejection = clientFor(url).deleteTag('alice/app', 'v1');

    await expect(rejection).rejects.toBeInstanceOf(RegistryUnavailableError);
    await expect(rejection).rejects.toMatchObject({
      message: `registry ${url} is unreachable (ECONNREFUSED)`,
    });
  });
});
