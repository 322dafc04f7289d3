import type {
  ManifestDescription,
  RegistryReader,
} from '../../domain/ports/registry-reader.port.js';
import { RegistryUnavailableError } from '../../domain/ports/registry-client.port.js';
import { MANIFEST_MEDIA_TYPES } from './http-registry-client.js';
import {
  sendRegistryRequest,
  unexpectedAnswer,
  type RegistryAnswer,
  type RegistryHttpOptions,
  type RegistryRequest,
} from './registry-http.js';

export interface HttpRegistryReaderOptions extends RegistryHttpOptions {
  /** Entries asked for per page of the catalog and of tag lists; 1000 when absent. */
  readonly pageSize?: number;
}

/** Reads the registry's catalog, tags and manifests over the HTTP API v2, every page of them. */
export class HttpRegistryReader implements RegistryReader {
  private readonly pageSize: number;

  constructor(private readonly options: HttpRegistryReaderOptions) {
    this.pageSize = options.pageSize ?? 1000;
  }

  async repositories(): Promise<string[]> {
    const first = `/v2/_catalog?n=${this.pageSize}`;
    return this.readPages(first, 'registry:catalog:*', 'repositories');
  }

  async tags(repository: string): Promise<string[]> {
    const first = `/v2/${repository}/tags/list?n=${this.pageSize}`;
    return this.readPages(first, `repository:${repository}:pull`, 'tags');
  }

  async describeManifest(
    repository: string,
    reference: string,
  ): Promise<ManifestDescription | undefined> {
    const request: RegistryRequest = {
      method: 'HEAD',
      path: `/v2/${repository}/manifests/${reference}`,
      scope: `repository:${repository}:pull`,
      accept: MANIFEST_MEDIA_TYPES,
    };
    const answer = await sendRegistryRequest(this.options, request);
    if (answer.status === 404) return undefined;

    const digest = answer.headers.get('docker-content-digest');
    const mediaType = answer.headers.get('content-type');
    const size = Number(answer.headers.get('content-length') ?? Number.NaN);
    if (
      answer.status !== 200 ||
      digest === null ||
      mediaType === null ||
      !Number.isSafeInteger(size)
    ) {
      throw unexpectedAnswer(request, answer);
    }
    return { digest, mediaType, size };
  }

  /**
   * Follows `Link: <...>; rel="next"` to the last page and joins the pages' `field`. A repository
   * the registry does not know (404) has no entries; any other failure rejects the whole list.
   */
  private async readPages(
    first: string,
    scope: string,
    field: 'repositories' | 'tags',
  ): Promise<string[]> {
    const entries: string[] = [];
    const seen = new Set<string>();
    let path: string | undefined = first;

    while (path !== undefined) {
      // A registry that links back to a page it sent would keep this loop going for ever.
      if (seen.has(path)) throw new RegistryUnavailableError(`registry links back to ${path}`);
      seen.add(path);

      const request: RegistryRequest = { method: 'GET', path, scope };
      const answer = await sendRegistryRequest(this.options, request);
      if (answer.status === 404 && field === 'tags') return [];
      if (answer.status !== 200) throw unexpectedAnswer(request, answer);

      entries.push(...readList(request, answer, field));
      path = nextPage(answer.headers.get('link'));
    }

    return entries;
  }
}

function readList(request: RegistryRequest, answer: RegistryAnswer, field: string): string[] {
  let list: unknown;
  try {
    list = (JSON.parse(answer.body) as Record<string, unknown>)[field];
  } catch {
    throw unexpectedAnswer(request, answer, 'answered with a body that is not JSON');
  }

  // Registries send `null` for a repository whose tags were all deleted.
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list) || !list.every((entry) => typeof entry === 'string')) {
    throw unexpectedAnswer(request, answer, `answered without a list of "${field}"`);
  }
  return list;
}

// RFC 8288 `Link: </v2/_catalog?last=x&n=1000>; rel="next"`.
function nextPage(link: string | null): string | undefined {
  return link === null ? undefined : /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1];
}
