import { deletionChanges } from '../../events/deletion-changes.js';
import { invalidEvent, type EventError } from '../../events/event-error.js';
import { tagPushed } from '../../events/image-event.js';
import { MANIFEST_MEDIA_TYPES, type RegistryEvent } from '../../events/registry-event.js';
import type { Clock } from '../../ports/clock.port.js';
import type { ImageCatalog, TagPush } from '../../ports/image-catalog.port.js';
import type { ImageEventLog } from '../../ports/image-event-log.port.js';
import type { ProcessedEvents } from '../../ports/processed-events.port.js';
import { failure, success, type Result } from '../../shared/result.js';
import { readEventTarget } from './event-target.js';

/** Why an event was acknowledged without touching the catalog. */
export type IgnoredReason =
  'not-a-manifest' | 'pull-by-digest' | 'own-read' | 'mount' | 'unknown-action';

export interface IngestOptions {
  /**
   * The User-Agent of the service's own registry requests. Registries report a HEAD of a
   * manifest as a pull; the service's own (reconciliation, deletes) are not users' pulls.
   */
  readonly ownUserAgent: string;
}

/**
 * What one event did. `unchanged`: the catalog already knew as much or more (a replay, an event
 * overtaken by a later one, a delete of what is gone). `duplicate`: a pull seen before.
 */
export type IngestOutcome =
  | { readonly effect: 'applied' | 'unchanged' | 'duplicate' }
  | { readonly effect: 'ignored'; readonly reason: IgnoredReason };

const APPLIED: IngestOutcome = { effect: 'applied' };
const UNCHANGED: IngestOutcome = { effect: 'unchanged' };
const DUPLICATE: IngestOutcome = { effect: 'duplicate' };

/**
 * Applies one registry notification to the catalog.
 *
 * A push of a manifest or index with a tag points the tag at it; without a tag the manifest is
 * remembered untagged. A delete with a tag removes that tag, with a digest every tag pointing at
 * it, with neither the repository. A pull through a tag counts for that tag (a client that
 * resolves the tag with HEAD, then fetches by digest, counts once); the service's own reads do
 * not count. Every effect is ordered by the event's own time, so replays and reordering change
 * nothing; pulls, whose count a replay would raise, are deduplicated by event id instead. Blob
 * events, mounts and unknown actions are ignored. Fails with INVALID_EVENT when an event the
 * catalog would act on carries a malformed name; the storage's errors propagate.
 *
 * Each tag pushed, moved or deleted is appended to the image event log, once: a push after the
 * catalog took it, a deletion before the catalog applies it (afterwards nothing would show what
 * it removed). When the log cannot be written the call rejects, the endpoint answers 503 and
 * the registry retries: the retry then finds the push in the catalog exactly as this event left
 * it, or the tags still there to delete, and appends under the same keys, which the log keeps
 * once. A replay of an event that changes nothing appends nothing.
 */
export class IngestRegistryEvent {
  constructor(
    private readonly catalog: ImageCatalog,
    private readonly processed: ProcessedEvents,
    private readonly clock: Clock,
    private readonly options: IngestOptions,
    private readonly events: ImageEventLog,
  ) {}

  async execute(event: RegistryEvent): Promise<Result<IngestOutcome, EventError>> {
    switch (event.action) {
      case 'push':
        return this.push(event);
      case 'pull':
        return this.pull(event);
      case 'delete':
        return this.delete(event);
      // A mount links a blob from another repository into this one: no manifest changes.
      case 'mount':
        return success(ignored('mount'));
      default:
        return success(ignored('unknown-action'));
    }
  }

  private async push(event: RegistryEvent): Promise<Result<IngestOutcome, EventError>> {
    if (!isManifest(event)) return success(ignored('not-a-manifest'));

    const target = readEventTarget(event);
    if (!target.ok) return target;
    const { repository, owner, tag, digest } = target.value;
    if (digest === undefined) return failure(invalidEvent(event.id, 'digest', '', 'is required'));
    const size = event.size ?? -1;
    if (!Number.isSafeInteger(size) || size < 0) {
      return failure(invalidEvent(event.id, 'size', String(event.size), 'expected a byte count'));
    }

    const manifest = {
      repository,
      owner,
      digest,
      mediaType: event.mediaType as string,
      size,
      pushedAt: event.occurredAt,
    };
    if (tag === undefined) {
      const applied = await this.catalog.recordManifestPush(manifest);
      return success(applied ? APPLIED : UNCHANGED);
    }
    return success(await this.pushTag({ ...manifest, tag }));
  }

  /** Points the tag, then tells watchers; a retry after a failed append tells them then. */
  private async pushTag(push: TagPush): Promise<IngestOutcome> {
    const { applied, found } = await this.catalog.recordTagPush(push);

    if (applied) {
      await this.events.append([tagPushed(push, found?.digest)], this.clock.now());
      return APPLIED;
    }

    // Unchanged, yet the tag is exactly as this push left it: an earlier attempt applied it and
    // may have failed to append. The key makes appending again harmless.
    if (found?.digest === push.digest && found.pushedAt.getTime() === push.pushedAt.getTime()) {
      await this.events.append([tagPushed(push, undefined)], this.clock.now());
    }
    return UNCHANGED;
  }

  private async pull(event: RegistryEvent): Promise<Result<IngestOutcome, EventError>> {
    if (!isManifest(event)) return success(ignored('not-a-manifest'));
    // A pull by digest names no tag to count it for, such as a platform manifest under an index.
    const tag = event.tag;
    if (tag === undefined) return success(ignored('pull-by-digest'));
    if (event.userAgent === this.options.ownUserAgent) return success(ignored('own-read'));

    const target = readEventTarget(event);
    if (!target.ok) return target;
    const { repository } = target.value;

    // Counting is the one effect a replay would repeat, so the id is claimed before it.
    if (!(await this.processed.claim(event.id, this.clock.now()))) return success(DUPLICATE);
    try {
      const counted = await this.catalog.recordPull({
        repository,
        tag,
        pulledAt: event.occurredAt,
      });
      return success(counted ? APPLIED : UNCHANGED);
    } catch (error) {
      await this.processed.release(event.id).catch(() => undefined);
      throw error;
    }
  }

  private async delete(event: RegistryEvent): Promise<Result<IngestOutcome, EventError>> {
    const target = readEventTarget(event);
    if (!target.ok) return target;
    const { repository, tag, digest } = target.value;

    // Announced before the catalog forgets what goes; a retry announces the same keys again.
    const stored = await this.catalog.find(repository);
    const changes = deletionChanges(
      stored,
      tag !== undefined ? { tag } : digest !== undefined ? { digest } : {},
      event.occurredAt,
    );
    if (changes.length > 0) await this.events.append(changes, this.clock.now());

    // Registries report a tag deleted with its tag, a manifest (or a blob: the event cannot
    // tell, and no tag points at a blob) with its digest, a repository with neither.
    let removed: boolean;
    if (tag !== undefined)
      removed = await this.catalog.removeTag(repository, tag, event.occurredAt);
    else if (digest !== undefined) {
      removed = await this.catalog.removeDigest(repository, digest, event.occurredAt);
    } else removed = await this.catalog.remove(repository, event.occurredAt);

    return success(removed ? APPLIED : UNCHANGED);
  }
}

function isManifest(event: RegistryEvent): boolean {
  return event.mediaType !== undefined && MANIFEST_MEDIA_TYPES.has(event.mediaType);
}

function ignored(reason: IgnoredReason): IngestOutcome {
  return { effect: 'ignored', reason };
}
