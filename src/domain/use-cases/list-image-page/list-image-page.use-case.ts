import {
  invalidPageSize,
  userHasNoImages,
  type CatalogError,
} from '../../catalog/catalog-error.js';
import { groupByOwner } from '../../catalog/group-by-owner.js';
import type { OwnerImages } from '../../catalog/image-repository.js';
import { decodePageToken, encodePageToken } from '../../catalog/page-token.js';
import type { ImageCatalog } from '../../ports/image-catalog.port.js';
import { failure, success, type Result } from '../../shared/result.js';

export interface ListImagePageInput {
  /** Whose images; empty or absent means everyone's. */
  readonly owner?: string;
  /** Repositories per page; 0 or absent means DEFAULT_PAGE_SIZE. */
  readonly pageSize?: number;
  /** The previous page's `nextPageToken`; empty or absent for the first page. */
  readonly pageToken?: string;
}

export interface ImagePage {
  readonly groups: OwnerImages[];
  /** The token of the next page; undefined on the last one. */
  readonly nextPageToken?: string;
}

export const MIN_PAGE_SIZE = 1;
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;

/**
 * Lists one page of the images of one user, or of all users, grouped by owner: repositories in
 * name order, each exactly once over a whole walk, however many pages it takes.
 *
 * A page resumes after the last name of the previous one rather than at an offset, so that
 * repositories created or deleted during a walk shift nothing: each one present for the whole
 * walk is returned once. Fails with INVALID_PAGE_SIZE outside MIN_PAGE_SIZE..MAX_PAGE_SIZE,
 * INVALID_PAGE_TOKEN for a token that is not ours or belongs to another owner's walk, and
 * USER_HAS_NO_IMAGES when a first page is empty, as ListImages does. A later page that finds
 * nothing (the rest was deleted meanwhile) is an empty last page.
 */
export class ListImagePage {
  constructor(private readonly catalog: ImageCatalog) {}

  async execute(input: ListImagePageInput): Promise<Result<ImagePage, CatalogError>> {
    const owner = input.owner === '' ? undefined : input.owner;

    const size = input.pageSize ?? 0;
    const limit = size === 0 ? DEFAULT_PAGE_SIZE : size;
    if (!Number.isSafeInteger(limit) || limit < MIN_PAGE_SIZE || limit > MAX_PAGE_SIZE) {
      return failure(invalidPageSize(size, MIN_PAGE_SIZE, MAX_PAGE_SIZE));
    }

    const token = input.pageToken ?? '';
    let after: string | undefined;
    if (token !== '') {
      const position = decodePageToken(token, owner ?? '');
      if (!position.ok) return position;
      after = position.value.after;
    }

    // One more than the page holds tells whether another page follows, without a count.
    const found = await this.catalog.listPage({
      ...(owner === undefined ? {} : { owner }),
      ...(after === undefined ? {} : { after }),
      limit: limit + 1,
    });
    if (found.length === 0 && after === undefined) return failure(userHasNoImages(owner));

    const page = found.slice(0, limit);
    const last = page.at(-1);
    const nextPageToken =
      found.length > limit && last !== undefined
        ? encodePageToken({ after: last.name, owner: owner ?? '' })
        : undefined;
    return success({
      groups: groupByOwner(page),
      ...(nextPageToken === undefined ? {} : { nextPageToken }),
    });
  }
}
