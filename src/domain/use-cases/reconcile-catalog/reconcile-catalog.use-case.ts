import { parseImageReference } from '../../catalog/image-reference.js';
import type { ImageRepository } from '../../catalog/image-repository.js';
import { registryUnreadable, type ReconcileError } from '../../catalog/reconcile-error.js';
import { deletionChanges } from '../../events/deletion-changes.js';
import { tagPushed, type ImageChange } from '../../events/image-event.js';
import type { Clock } from '../../ports/clock.port.js';
import type { ImageCatalog, TagPush } from '../../ports/image-catalog.port.js';
import type { ImageEventLog } from '../../ports/image-event-log.port.js';
import { RegistryUnavailableError } from '../../ports/registry-client.port.js';
import type { ManifestDescription, RegistryReader } from '../../ports/registry-reader.port.js';
import { failure, success, type Result } from '../../shared/result.js';

export interface ReconcileProgress {
  /** Repositories examined so far, of `total`. */
  readonly done: number;
  readonly total: number;
}

export interface ReconcileCatalogInput {
  /** Only count the differences; change nothing. */
  readonly dryRun: boolean;
  readonly onProgress?: (progress: ReconcileProgress) => void;
  /**
   * Aborted when the service stops: repositories already begun are finished, the others are
   * left for the next run, and the summary says `interrupted`.
   */
  readonly signal?: AbortSignal;
}

/** What a run found, in tags; a dry run counts what it would have done. */
export interface ReconcileSummary {
  /** Repositories examined: those the registry lists and those the catalog holds. */
  readonly repositories: number;
  readonly added: number;
  readonly updated: number;
  readonly removed: number;
  readonly unchanged: number;
  /** Repositories left untouched because the registry could not describe them. */
  readonly failed: readonly string[];
  /** Registry repositories outside any `<username>/<imagename>` namespace: they have no owner. */
  readonly skipped: readonly string[];
  /** Set when the run stopped early on its signal: `repositories` were not all examined. */
  readonly interrupted?: true;
}

type Tally = { -readonly [K in 'added' | 'updated' | 'removed' | 'unchanged']: number };

// Repositories examined at once; each may describe as many tags at once again.
const PARALLEL_REPOSITORIES = 8;
const PARALLEL_TAGS = 8;

/**
 * Makes the catalog equal to the registry: adds the tags it lacks, moves the ones that point
 * elsewhere, removes what the registry no longer has.
 *
 * Each write carries the time the registry was read, so an event about a later change wins over
 * what reconciliation saw. Nothing is removed unless the registry's answer was complete: when
 * its repository list cannot be read, the run fails with REGISTRY_UNREADABLE and changes
 * nothing; a repository whose tags cannot be read is left as it is and reported in `failed`.
 *
 * Every change is appended to the image event log before it is written, so that a run that
 * cannot log stops before changing what it could not announce; a change then lost to a newer
 * event is announced all the same, and the newer event's own announcement follows it.
 */
export class ReconcileCatalog {
  constructor(
    private readonly catalog: ImageCatalog,
    private readonly registry: RegistryReader,
    private readonly clock: Clock,
    private readonly events: ImageEventLog,
  ) {}

  async execute(input: ReconcileCatalogInput): Promise<Result<ReconcileSummary, ReconcileError>> {
    const listedAt = this.clock.now();
    let listed: string[];
    try {
      listed = await this.registry.repositories();
    } catch (error) {
      if (error instanceof RegistryUnavailableError) return failure(registryUnreadable(error));
      throw error;
    }

    // The owner of each listed repository; a name outside any namespace has none.
    const inRegistry = new Map<string, string>();
    const skipped: string[] = [];
    for (const name of listed) {
      const parsed = parseImageReference(name, { allowDigest: false });
      if (parsed.ok) inRegistry.set(name, parsed.value.owner);
      else skipped.push(name);
    }
    const stored = new Map((await this.catalog.list()).map((entry) => [entry.name, entry]));
    const names = [...new Set([...inRegistry.keys(), ...stored.keys()])].sort();

    const tally: Tally = { added: 0, updated: 0, removed: 0, unchanged: 0 };
    const failed: string[] = [];
    let done = 0;
    let interrupted = false;
    await forEachConcurrently(names, PARALLEL_REPOSITORIES, async (name) => {
      // Between repositories is a safe point: each one is reconciled whole or not at all.
      if (input.signal?.aborted === true) {
        interrupted = true;
        return;
      }
      try {
        const owner = inRegistry.get(name);
        const repository = stored.get(name);
        if (owner !== undefined)
          await this.reconcile({ name, owner }, repository, input.dryRun, tally);
        else if (repository !== undefined) {
          await this.removeGone(repository, listedAt, input.dryRun, tally);
        }
      } catch (error) {
        if (!(error instanceof RegistryUnavailableError)) throw error;
        failed.push(name);
      }
      done += 1;
      input.onProgress?.({ done, total: names.length });
    });

    const summary = { repositories: names.length, ...tally, failed: failed.sort(), skipped };
    return success(interrupted ? { ...summary, interrupted: true } : summary);
  }

  /** Brings one repository the registry lists to the registry's tags. */
  private async reconcile(
    { name, owner }: { readonly name: string; readonly owner: string },
    stored: ImageRepository | undefined,
    dryRun: boolean,
    tally: Tally,
  ): Promise<void> {
    // Read before the registry answers: an event about anything later is newer than this.
    const observedAt = this.clock.now();
    const described = await this.describeTags(name);
    const storedTags = new Map(stored?.tags.map((record) => [record.name, record]));

    const pushes: TagPush[] = [];
    const moved = new Set<string>();
    for (const [tag, manifest] of described) {
      const current = storedTags.get(tag);
      if (current?.digest === manifest.digest) tally.unchanged += 1;
      else {
        if (current !== undefined) moved.add(tag);
        pushes.push({ repository: name, owner, tag, ...manifest, pushedAt: observedAt });
      }
    }

    const gone = [...storedTags.values()].filter((record) => !described.has(record.name));
    if (!dryRun) {
      const changes: ImageChange[] = pushes.map((push) =>
        tagPushed(push, storedTags.get(push.tag)?.digest),
      );
      for (const record of gone) {
        changes.push(...deletionChanges(stored, { tag: record.name }, observedAt));
      }
      await this.announce(changes);
    }

    // A push that does not apply lost to a newer event: the catalog already knows better.
    const applied = dryRun
      ? pushes.map((push) => push.tag)
      : await this.catalog.recordTagPushes(pushes);
    for (const tag of applied) tally[moved.has(tag) ? 'updated' : 'added'] += 1;
    tally.unchanged += pushes.length - applied.length;

    for (const { name: tag } of gone) {
      if (dryRun || (await this.catalog.removeTag(name, tag, observedAt))) tally.removed += 1;
    }
  }

  /** Removes a repository the registry no longer lists, unless it was pushed to since. */
  private async removeGone(
    stored: ImageRepository,
    listedAt: Date,
    dryRun: boolean,
    tally: Tally,
  ): Promise<void> {
    const gone = stored.tags.filter((tag) => tag.pushedAt <= listedAt).length;
    if (!dryRun) await this.announce(deletionChanges(stored, {}, listedAt));
    if (dryRun || (await this.catalog.remove(stored.name, listedAt))) tally.removed += gone;
  }

  private async announce(changes: readonly ImageChange[]): Promise<void> {
    if (changes.length > 0) await this.events.append(changes, this.clock.now());
  }

  /** Each tag the registry lists and its manifest; a tag deleted meanwhile is left out. */
  private async describeTags(name: string): Promise<Map<string, ManifestDescription>> {
    const tags = await this.registry.tags(name);
    const described = new Map<string, ManifestDescription>();

    await forEachConcurrently(tags, PARALLEL_TAGS, async (tag) => {
      const manifest = await this.registry.describeManifest(name, tag);
      if (manifest !== undefined) described.set(tag, manifest);
    });

    return described;
  }
}

/** Runs `task` over `items`, at most `limit` at a time; rejects with the first failure. */
async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
