import { createHash, randomUUID } from 'node:crypto';

import { tagPushUpdate } from '../src/adapters/mongo/tag-push-update.js';

const MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';
const TAGS_PER_REPOSITORY = 10;
const START = Date.UTC(2026, 0, 1);

/** One tag push, before it is written as an event or as a driver upsert. */
export interface TagPushSample {
  readonly repository: string;
  readonly owner: string;
  readonly tag: string;
  readonly digest: string;
  readonly size: number;
  readonly pushedAt: Date;
}

/**
 * An endless, deterministic series of tag pushes over `repositories` repositories with ten tags
 * each, every push a millisecond later than the one before, so that each moves its tag: the
 * catalog does real work for every event, and documents keep their size however long a run is.
 */
export class TagPushes {
  private sequence = 0;

  constructor(
    private readonly repositories: number,
    private readonly namespace: string,
  ) {}

  /** The pushes that create every repository with all its tags, oldest first. */
  initial(): TagPushSample[] {
    return Array.from({ length: this.repositories * TAGS_PER_REPOSITORY }, () => this.next());
  }

  next(): TagPushSample {
    const sequence = this.sequence;
    this.sequence += 1;
    const index = sequence % this.repositories;
    const owner = `${this.namespace}-${index % 100}`;
    return {
      repository: `${owner}/app-${index}`,
      owner,
      tag: `v1.${Math.floor(sequence / this.repositories) % TAGS_PER_REPOSITORY}`,
      digest: `sha256:${createHash('sha256').update(`${this.namespace} ${sequence}`).digest('hex')}`,
      size: 400 + (sequence % 100),
      pushedAt: new Date(START + sequence),
    };
  }
}

/**
 * A version 1 envelope as registry 2.8 sends it (the fields and their order as captured from
 * Debian's 2.8.2; see tests/fixtures/registry-events), holding `count` manifest pushes.
 */
export function envelopeOf(pushes: readonly TagPushSample[]): string {
  return JSON.stringify(
    {
      events: pushes.map((push) => ({
        id: randomUUID(),
        timestamp: push.pushedAt.toISOString().replace('Z', '123456Z'),
        action: 'push',
        target: {
          mediaType: MEDIA_TYPE,
          size: push.size,
          digest: push.digest,
          length: push.size,
          repository: push.repository,
          url: `http://registry.fog.local:5000/v2/${push.repository}/manifests/${push.digest}`,
          tag: push.tag,
        },
        request: {
          id: randomUUID(),
          addr: '10.0.0.7:52086',
          host: 'registry.fog.local:5000',
          method: 'PUT',
          useragent:
            'docker/27.0.3 go/go1.21.11 git-commit/662f78c kernel/6.1.0 os/linux arch/amd64',
        },
        actor: { name: push.owner },
        source: { addr: 'registry-0:5000', instanceID: 'b45dfb1f-716b-451f-8546-ee566375245e' },
      })),
    },
    null,
    3,
  );
}

/**
 * The upsert MongooseImageCatalog.recordTagPush sends for a push, from the adapter's own
 * builder: the baseline does exactly the service's database work, and nothing else.
 */
export function driverUpsert(push: TagPushSample) {
  return tagPushUpdate({ ...push, mediaType: MEDIA_TYPE });
}
