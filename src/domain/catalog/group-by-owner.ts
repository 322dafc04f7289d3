import type { ImageRepository, OwnerImages } from './image-repository.js';

/**
 * Groups repositories sorted by name into one group per owner, in the same order. Sorting by
 * name keeps each owner's repositories together, since the owner is the name's first component.
 */
export function groupByOwner(repositories: readonly ImageRepository[]): OwnerImages[] {
  const groups: { owner: string; repositories: ImageRepository[] }[] = [];

  for (const repository of repositories) {
    const last = groups.at(-1);
    if (last?.owner === repository.owner) last.repositories.push(repository);
    else groups.push({ owner: repository.owner, repositories: [repository] });
  }

  return groups;
}
