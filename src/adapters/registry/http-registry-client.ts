import {
  TagSharesManifestError,
  type RegistryClient,
} from '../../domain/ports/registry-client.port.js';
import {
  sendRegistryRequest,
  unexpectedAnswer,
  type RegistryHttpOptions,
  type RegistryRequest,
} from './registry-http.js';

/** Every manifest kind a tag may point at; without them the registry may convert or refuse. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

const PARALLEL_LOOKUPS = 8;

export interface HttpRegistryClientOptions extends RegistryHttpOptions {
  /** How many tags to ask for per page of a tag list; 1000 when absent. */
  readonly tagsPageSize?: number;
}

/** The Docker Registry HTTP API v2, as distribution 2.8 and 3.x implement it. */
export class HttpRegistryClient implements RegistryClient {
  private readonly tagsPageSize: number;

  constructor(private readonly options: HttpRegistryClientOptions) {
    this.tagsPageSize = options.tagsPageSize ?? 1000;
  }

  async deleteRepository(repository: string): Promise<void> {
    const digests = await this.tagDigests(repository);

    for (const digest of new Set(digests.values())) {
      await this.deleteManifest(repository, digest);
    }
  }

  async deleteTag(repository: string, tag: string): Promise<void> {
    const request = this.request('DELETE', `/v2/${repository}/manifests/${tag}`, repository);
    const answer = await sendRegistryRequest(this.options, request);
    if (answer.status === 202 || answer.status === 404) return;

    // distribution 2.x reads any reference in a DELETE as a digest and rejects a tag this way.
    if (answer.status !== 400 || !answer.errorCodes.includes('DIGEST_INVALID')) {
      throw unexpectedAnswer(request, answer);
    }

    const digests = await this.tagDigests(repository);
    const digest = digests.get(tag);
    if (digest === undefined) return;

    const sharing = [...digests].filter(([other, target]) => other !== tag && target === digest);
    if (sharing.length > 0) {
      throw new TagSharesManifestError(repository, tag, sharing.map(([other]) => other).sort());
    }
    await this.deleteManifest(repository, digest);
  }

  /** Each tag of the repository and the digest it points at; empty when the registry has none. */
  private async tagDigests(repository: string): Promise<Map<string, string>> {
    const tags = await this.listTags(repository);
    const digests = new Map<string, string>();

    for (let start = 0; start < tags.length; start += PARALLEL_LOOKUPS) {
      const batch = tags.slice(start, start + PARALLEL_LOOKUPS);
      const resolved = await Promise.all(batch.map((tag) => this.resolveTag(repository, tag)));
      batch.forEach((tag, index) => {
        const digest = resolved[index];
        if (digest !== undefined) digests.set(tag, digest);
      });
    }

    return digests;
  }

  private async listTags(repository: string): Promise<string[]> {
    const tags: string[] = [];
    let path: string | undefined = `/v2/${repository}/tags/list?n=${this.tagsPageSize}`;

    while (path !== undefined) {
      const request = this.request('GET', path, repository, 'pull');
      const answer = await sendRegistryRequest(this.options, request);
      if (answer.status === 404) return tags;
      if (answer.status !== 200) throw unexpectedAnswer(request, answer);

      const page = JSON.parse(answer.body) as { tags?: string[] | null };
      tags.push(...(page.tags ?? []));
      path = nextPage(answer.headers.get('link'));
    }

    return tags;
  }

  private async resolveTag(repository: string, tag: string): Promise<string | undefined> {
    const request = {
      ...this.request('HEAD', `/v2/${repository}/manifests/${tag}`, repository, 'pull'),
      accept: MANIFEST_MEDIA_TYPES,
    };
    const answer = await sendRegistryRequest(this.options, request);
    if (answer.status === 404) return undefined;

    const digest = answer.headers.get('docker-content-digest');
    if (answer.status !== 200 || digest === null) throw unexpectedAnswer(request, answer);
    return digest;
  }

  private async deleteManifest(repository: string, digest: string): Promise<void> {
    const request = this.request('DELETE', `/v2/${repository}/manifests/${digest}`, repository);
    const answer = await sendRegistryRequest(this.options, request);

    // 404: already gone, which is what was asked for.
    if (answer.status !== 202 && answer.status !== 404) throw unexpectedAnswer(request, answer);
  }

  private request(
    method: RegistryRequest['method'],
    path: string,
    repository: string,
    action: 'pull' | 'delete' = 'delete',
  ): RegistryRequest {
    return { method, path, scope: `repository:${repository}:${action}` };
  }
}

// RFC 5988 `Link: </v2/...?last=x&n=1000>; rel="next"`.
function nextPage(link: string | null): string | undefined {
  return link === null ? undefined : /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1];
}
