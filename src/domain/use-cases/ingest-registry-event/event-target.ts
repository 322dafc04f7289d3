import { parseImageReference } from '../../catalog/image-reference.js';
import { invalidEvent, type EventError } from '../../events/event-error.js';
import type { RegistryEvent } from '../../events/registry-event.js';
import { failure, success, type Result } from '../../shared/result.js';

/** What an event is about, checked: a repository of an owner, perhaps a tag and a digest. */
export interface EventTarget {
  readonly repository: string;
  readonly owner: string;
  readonly tag?: string;
  readonly digest?: string;
}

// OCI's digest grammar: algorithm components joined by + . _ -, a colon, then the encoded hash.
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * Checks the names an event carries with the rules of image references. The owner is the
 * repository's first path component, never the actor: admins and robots push for others.
 */
export function readEventTarget(event: RegistryEvent): Result<EventTarget, EventError> {
  const reject = (field: string, value: string, rule: string) =>
    failure(invalidEvent(event.id, field, value, rule));

  if (Number.isNaN(event.occurredAt.getTime())) return reject('timestamp', '', 'is not a time');

  const name = parseImageReference(event.repository, { allowDigest: false });
  if (!name.ok) return reject('repository', event.repository, name.error.message);
  if (name.value.tag !== undefined) {
    return reject('repository', event.repository, 'must not carry a tag');
  }

  const { tag, digest } = event;
  if (tag !== undefined) {
    const tagged = parseImageReference(`${event.repository}:${tag}`, { allowDigest: false });
    if (!tagged.ok || tagged.value.tag !== tag) {
      return reject('tag', tag, 'expected [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}');
    }
  }
  if (digest !== undefined && !DIGEST.test(digest)) {
    return reject('digest', digest, 'expected <algorithm>:<encoded hash>');
  }

  return success({
    repository: name.value.repository,
    owner: name.value.owner,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  });
}
