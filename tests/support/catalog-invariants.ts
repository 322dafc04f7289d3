import { expect } from 'vitest';

/** A repository as List shows it, with what each tag points at. */
export interface ListedRepository {
  readonly name: string;
  readonly owner: string;
  readonly tags: readonly { readonly name: string; readonly digest: string }[];
}

// OCI's digest grammar, as a registry's events carry digests.
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * The catalog invariants issue 6 names, over what List returned: every listed repository has a
 * tag, each tag appears once and points at one well-formed digest, and the owner is the name's
 * first path component.
 */
export function expectCatalogInvariants(listed: readonly ListedRepository[]): void {
  expect(new Set(listed.map((repository) => repository.name)).size).toBe(listed.length);

  for (const repository of listed) {
    expect(repository.tags.length, `${repository.name} is listed without tags`).toBeGreaterThan(0);
    expect(repository.owner).toBe(repository.name.split('/')[0]);
    const names = repository.tags.map((tag) => tag.name);
    expect(new Set(names).size, `${repository.name} lists a tag twice`).toBe(names.length);
    for (const tag of repository.tags) expect(tag.digest).toMatch(DIGEST);
  }
}
