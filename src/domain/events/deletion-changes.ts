import type { ImageRepository } from '../catalog/image-repository.js';
import { repositoryDeleted, tagDeleted, type ImageChange } from './image-event.js';

/**
 * What deleting at `at` will change in `stored`, as ImageCatalog's ordering rules decide: the
 * tags pushed at or before `at` go. `which` picks the tags the deletion is about: one tag, the
 * tags of one digest, or all of them (the repository). Each tag that goes is announced on its
 * own, keyed by the stored tag, so that two deletions of the same tag (a gRPC Delete and the
 * registry's echo of it, whichever comes first) announce it once; when no tag is left, the
 * repository's deletion follows.
 */
export function deletionChanges(
  stored: ImageRepository | undefined,
  which: { readonly tag?: string; readonly digest?: string },
  at: Date,
): ImageChange[] {
  if (stored === undefined) return [];

  const going = stored.tags.filter(
    (record) =>
      (which.tag === undefined || record.name === which.tag) &&
      (which.digest === undefined || record.digest === which.digest) &&
      record.pushedAt <= at,
  );

  const changes = going.map((record) => tagDeleted(stored, record, at));
  if (going.length > 0 && going.length === stored.tags.length) {
    changes.push(repositoryDeleted(stored, at));
  }
  return changes;
}
