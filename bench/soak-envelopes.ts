import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { TagPushSample } from './event-envelopes.js';

const FIXTURES = fileURLToPath(new URL('../tests/fixtures/registry-events/', import.meta.url));
const TAGS = ['v1', 'v2', 'v3', 'v4', 'v5'] as const;

/** The kinds of event the soak sends; each envelope holds one. */
export type SoakEventKind = 'manifest push' | 'tag pull' | 'blob push' | 'tag delete';

/**
 * One cycle of twenty envelopes: 8 manifest pushes that move a tag (a write each), 5 pulls
 * through a tag (two writes: the event id is claimed, then counted), 5 blob pushes (no write:
 * the catalog acknowledges and ignores them) and 2 tag deletes (a write). 15 of 20 write,
 * deliberately: a mix of mostly blob events, as real pushes send, would hide how few writes
 * the database takes.
 */
const CYCLE: readonly SoakEventKind[] = [
  'manifest push',
  'tag pull',
  'blob push',
  'manifest push',
  'tag pull',
  'manifest push',
  'blob push',
  'tag delete',
  'manifest push',
  'tag pull',
  'blob push',
  'manifest push',
  'tag pull',
  'manifest push',
  'blob push',
  'tag delete',
  'manifest push',
  'tag pull',
  'blob push',
  'manifest push',
];

/** How the soak's event mix reads in its report. */
export const SOAK_EVENT_MIX =
  '8 manifest pushes moving a tag, 5 tag pulls, 5 blob pushes, 2 tag deletes in every 20 ' +
  'envelopes, one event each, alternating registry 2.8 (v1) and 3 (v2) envelopes cycle by cycle';

interface Template {
  readonly contentType: string;
  readonly event: Record<string, unknown> & { target: Record<string, unknown> };
}

/** An envelope ready to post. */
export interface SoakEnvelope {
  readonly kind: SoakEventKind;
  readonly contentType: string;
  readonly body: string;
}

/**
 * An endless, deterministic series of envelopes over `repositories` repositories of five tags,
 * made from the envelopes registry 2.8 and 3.1.1 really sent (tests/fixtures/registry-events)
 * with new ids, the current time, and names, tags and digests of the soak's catalog. Pulls and
 * deletes name tags the pushes left, with their current digests, as a registry's would.
 */
export class SoakEnvelopes {
  private sequence = 0;
  private lastMs = 0;
  private readonly templates = loadTemplates();
  /** What each `repository:tag` points at now, as the registry would have it. */
  private readonly current = new Map<string, string>();

  constructor(private readonly repositories: number) {}

  /** The catalog the soak starts from: every repository with all five tags. */
  initial(pushedAt: Date): TagPushSample[] {
    const pushes: TagPushSample[] = [];
    for (let index = 0; index < this.repositories; index += 1) {
      for (const tag of TAGS) {
        const repository = this.repositoryName(index);
        const digest = digestOf(`initial ${repository}:${tag}`);
        this.current.set(`${repository}:${tag}`, digest);
        pushes.push({ repository, owner: ownerOf(repository), tag, digest, size: 420, pushedAt });
      }
    }
    return pushes;
  }

  next(): SoakEnvelope {
    const sequence = this.sequence;
    this.sequence += 1;
    const kind = CYCLE[sequence % CYCLE.length] as SoakEventKind;
    const registry = Math.floor(sequence / CYCLE.length) % 2 === 0 ? '2.8' : '3';
    const template = this.templates[registry][kind];

    const repository = this.repositoryName(Math.floor(sequence / TAGS.length) % this.repositories);
    const tag = TAGS[sequence % TAGS.length] as string;
    const target = this.target(kind, repository, tag, sequence, template.event.target);

    const event = {
      ...template.event,
      id: randomUUID(),
      timestamp: this.timestamp(),
      target,
      request: { ...(template.event['request'] as object), id: randomUUID() },
    };
    return { kind, contentType: template.contentType, body: JSON.stringify({ events: [event] }) };
  }

  private target(
    kind: SoakEventKind,
    repository: string,
    tag: string,
    sequence: number,
    template: Record<string, unknown>,
  ): Record<string, unknown> {
    const key = `${repository}:${tag}`;
    const url = (digest: string, path: string) =>
      String(template['url']).replace(/\/v2\/.*$/, `/v2/${repository}/${path}/${digest}`);

    switch (kind) {
      case 'manifest push': {
        const digest = digestOf(`soak ${sequence}`);
        this.current.set(key, digest);
        return { ...template, repository, tag, digest, url: url(digest, 'manifests') };
      }
      case 'tag pull': {
        // A tag deleted earlier in the run is pulled through another one, still there.
        const pulled = this.current.has(key) ? tag : this.anyTagOf(repository);
        const digest = this.current.get(`${repository}:${pulled}`) ?? digestOf('absent');
        return { ...template, repository, tag: pulled, digest, url: url(digest, 'manifests') };
      }
      case 'blob push': {
        const digest = digestOf(`blob ${sequence}`);
        return { ...template, repository, digest, url: url(digest, 'blobs') };
      }
      case 'tag delete':
        this.current.delete(key);
        return { ...template, repository, tag };
    }
  }

  private anyTagOf(repository: string): string {
    return TAGS.find((tag) => this.current.has(`${repository}:${tag}`)) ?? 'v1';
  }

  private repositoryName(index: number): string {
    return `soak-${index % 50}/app-${index}`;
  }

  // The registry's clock, strictly increasing so that every push is newer than what it moves.
  private timestamp(): string {
    this.lastMs = Math.max(Date.now(), this.lastMs + 1);
    return new Date(this.lastMs).toISOString().replace('Z', '000001Z');
  }
}

function ownerOf(repository: string): string {
  return repository.slice(0, repository.indexOf('/'));
}

function digestOf(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

type Templates = Record<'2.8' | '3', Record<SoakEventKind, Template>>;

function loadTemplates(): Templates {
  const files: Record<SoakEventKind, string> = {
    'manifest push': 'tag-push',
    'tag pull': 'tag-pull',
    'blob push': 'blob-push',
    'tag delete': 'tag-delete',
  };
  const load = (registry: '2.8' | '3') =>
    Object.fromEntries(
      Object.entries(files).map(([kind, file]) => {
        const recorded = JSON.parse(
          readFileSync(`${FIXTURES}registry-${registry}-${file}.json`, 'utf8'),
        ) as { contentType: string; body: { events: Template['event'][] } };
        const [event] = recorded.body.events;
        if (event === undefined) throw new Error(`no event in registry-${registry}-${file}.json`);
        return [kind, { contentType: recorded.contentType, event }];
      }),
    ) as Record<SoakEventKind, Template>;
  return { '2.8': load('2.8'), '3': load('3') };
}
