import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ImagesAPIClient } from '../../../generated/images_api.js';
import { BaselineClient } from '../../support/baseline-client.js';
import { seedManyRepositories, tagPush } from '../../support/catalog-seed.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../../support/images-service.js';

const REPOSITORIES = 10_000;
const OWNERS = 7;
const PAGE_422 = 'The page_size or page_token parameter is invalid.';

// Owners and apps are numbered so that name order differs from seeding order.
const owner = (index: number) => `user${index % OWNERS}`;
const name = (index: number) => `${owner(index)}/app-${String(index).padStart(5, '0')}`;

/** Walks every page of List; returns each page's repository names. */
async function walk(
  client: ImagesAPIClient,
  username: string,
  pageSize: number,
): Promise<string[][]> {
  const pages: string[][] = [];
  let pageToken = '';
  do {
    const response = await client.list({ username, pageSize, pageToken });
    expect(response.status?.code, response.status?.detail).toBe(200);
    pages.push(response.images.flatMap((group) => group.list.map((image) => image.name)));
    pageToken = response.nextPageToken;
  } while (pageToken !== '');
  return pages;
}

describe('List pages over 10,000 repositories', () => {
  let stack: ServiceUnderTest;
  const everyone = Array.from({ length: REPOSITORIES }, (_, index) => name(index)).sort();

  beforeAll(async () => {
    stack = await startServiceUnderTest({ REGISTRY_URL: 'http://127.0.0.1:9' });
    await seedManyRepositories(
      stack.mongodbUri,
      Array.from({ length: REPOSITORIES }, (_, index) => tagPush(name(index), 'latest')),
    );
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("returns everyone's repositories once each, in name order, the last page without a token", async () => {
    const pages = await walk(stack.client, '', 1000);

    expect(pages).toHaveLength(10);
    expect(pages.every((page) => page.length === 1000)).toBe(true);
    expect(pages.flat()).toEqual(everyone);
  }, 120_000);

  it("returns one owner's repositories once each, with a page size that does not divide them", async () => {
    const pages = await walk(stack.client, 'user3', 333);
    const mine = everyone.filter((repository) => repository.startsWith('user3/'));

    expect(pages.flat()).toEqual(mine);
    expect(pages.at(-1)?.length).toBe(mine.length % 333 || 333);
  }, 120_000);

  it('groups a page by owner, each group in name order', async () => {
    const response = await stack.client.list({ username: '', pageSize: 5, pageToken: '' });

    expect(response.images.map((group) => group.username)).toEqual(['user0']);
    expect(response.images[0]?.list.map((image) => image.name)).toEqual(everyone.slice(0, 5));
    expect(response.nextPageToken).not.toBe('');
  });

  it('answers every repository at once, without a token, when no paging field is set', async () => {
    const response = await stack.client.list({ username: 'user1' });

    expect(response.images[0]?.list).toHaveLength(
      everyone.filter((repository) => repository.startsWith('user1/')).length,
    );
    expect(response.nextPageToken).toBe('');
  });

  it('answers a client built from the original contract with every repository, unpaged', async () => {
    const baseline = new BaselineClient(stack.service.grpcPort);
    try {
      const answer = (await baseline.call('List', { username: 'user2' })) as {
        images: { list: unknown[] }[];
      };
      expect(answer.images[0]?.list).toHaveLength(
        everyone.filter((repository) => repository.startsWith('user2/')).length,
      );
    } finally {
      baseline.close();
    }
  });

  it.each([
    [0, 'not-a-token!', 'INVALID_PAGE_TOKEN', 'page token "not-a-token!" is not a page token'],
    [1001, '', 'INVALID_PAGE_SIZE', 'page size 1001 is out of range; expected 1 to 1000'],
    [-5, '', 'INVALID_PAGE_SIZE', 'page size -5 is out of range; expected 1 to 1000'],
  ])(
    'answers 422 to page_size %d and page_token "%s" with %s naming the value',
    async (pageSize, pageToken, reason, detail) => {
      const response = await stack.client.list({ username: '', pageSize, pageToken });

      expect(response.status).toMatchObject({ code: 422, message: PAGE_422, reason });
      expect(response.status?.detail).toContain(detail);
      expect(response.images).toEqual([]);
      expect(response.nextPageToken).toBe('');
    },
  );

  it("answers 422 to a token of user0's walk used for user1's", async () => {
    const first = await stack.client.list({ username: 'user0', pageSize: 2, pageToken: '' });

    const response = await stack.client.list({
      username: 'user1',
      pageSize: 2,
      pageToken: first.nextPageToken,
    });

    expect(response.status).toMatchObject({ code: 422, reason: 'INVALID_PAGE_TOKEN' });
    expect(response.status?.detail).toBe(
      `page token "${first.nextPageToken}" was issued for user "user0", not for this request's`,
    );
  });

  it('answers 404 to a first page of a user without images, as unpaged List does', async () => {
    const response = await stack.client.list({ username: 'nobody', pageSize: 10, pageToken: '' });

    expect(response.status).toMatchObject({
      code: 404,
      message: 'User not found or has no images yet.',
    });
  });
});
