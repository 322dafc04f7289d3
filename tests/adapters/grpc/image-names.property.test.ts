import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Response } from '../../../generated/images_api.js';
import { seedCatalog, tagPush } from '../../support/catalog-seed.js';
import {
  asSentOnTheWire,
  hostileImageName,
  KNOWN,
  oracleAccepts,
} from '../../support/hostile-image-names.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../../support/images-service.js';
import { RegistryServer } from '../../support/registry.js';

/** The issue asks for at least 10,000 runs per target; the seed keeps failures reproducible. */
const RUNS = 10_000;
const SEED = 20_261_203;

const FIND_INVALID =
  'Image name parameter is required. It should consist of a username and an image name, ' +
  'such as <username>/<imagename>:<tag>. Tag parameter is optional.';
const DELETE_INVALID =
  'Image name parameter is required. It should consist of a username and an application ' +
  'name, such as username/imagename.';

/** What the catalog holds during the Find property: repository → tag → digest. */
const CATALOG: Record<string, Record<string, string>> = {
  'alice/app': { latest: `sha256:${'a'.repeat(64)}`, v1: KNOWN.digest },
  'alice/tools/cli': { '1.0': KNOWN.digest },
  'bob/web': { v1: `sha256:${'b'.repeat(64)}` },
};

/** The answer the documented contract gives a well-formed reference, computed from CATALOG. */
function expectedFind(name: string): { code: number; message: string } {
  const [nameAndTag, digest] = name.split('@') as [string, string | undefined];
  const [repository, tag = 'latest'] = nameAndTag.split(':') as [string, string | undefined];
  const tags = CATALOG[repository];
  if (tags === undefined) return { code: 404, message: 'Image with this name not found.' };

  const held =
    digest === undefined ? tags[tag] !== undefined : Object.values(tags).includes(digest);
  return held
    ? { code: 200, message: 'Image with the specified name was found.' }
    : { code: 404, message: `The specified image does not have tag ${digest ?? tag}.` };
}

/** A 422 names the rule in `message` and the bad value, as the server received it, in `detail`. */
function expectInvalidName(status: Response | undefined, sent: string, message: string): void {
  expect(status).toMatchObject({ code: 422, message, reason: 'INVALID_IMAGE_NAME' });
  const received = asSentOnTheWire(sent);
  if (received === '') return expect(status?.detail).toBe('image name is required');

  // Longer names are quoted cut, with their length, so that the answer stays small.
  const quoted =
    received.length <= 512
      ? `"${received}"`
      : `"${received.slice(0, 512)}…" (${received.length} characters)`;
  expect(status?.detail).toContain(`image name ${quoted} `);
  expect(status?.detail.length).toBeLessThan(2 * 512 + 200);
}

/*
 * Names far beyond the generators' lengths, up to what a 4 MiB gRPC message holds: the service
 * once quoted them whole in `detail` and twice in its log, 6 MB of log for two calls.
 */
const HUGE_NAMES: [string][] = [[`x/${'y'.repeat(100_000)}`], [`A${':v1'.repeat(750_000)}`]];

/** Log lines at error or above: an unexpected exception inside the service ends up there. */
const errorsLogged = (stack: ServiceUnderTest) =>
  stack.logs.lines.filter((line) => line.level >= 50);

describe('property: image names through gRPC Find', () => {
  let stack: ServiceUnderTest;

  beforeAll(async () => {
    // Debug logging of 10,000 calls would cost more than the calls; errors still show.
    stack = await startServiceUnderTest({ LOG_LEVEL: 'warn', REGISTRY_URL: 'http://127.0.0.1:9' });
    const pushes = Object.entries(CATALOG).flatMap(([repository, tags]) =>
      Object.entries(tags).map(([tag, digest]) => tagPush(repository, tag, { digest })),
    );
    await seedCatalog(stack.mongodbUri, pushes);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers every name with gRPC OK and 200, 404 or 422 as the oracle and the catalog say', async () => {
    const seen = { 200: 0, 404: 0, 422: 0 };

    await fc.assert(
      fc.asyncProperty(hostileImageName(true), async (name) => {
        const { status } = await stack.client.find({ name });
        const received = asSentOnTheWire(name);

        expect(status?.requestId).not.toBe('');
        if (oracleAccepts(received, true)) {
          expect(status).toMatchObject(expectedFind(received));
        } else {
          expectInvalidName(status, name, FIND_INVALID);
        }
        seen[status?.code as keyof typeof seen] += 1;
      }),
      { numRuns: RUNS, seed: SEED, examples: HUGE_NAMES },
    );

    // The generators must reach every documented outcome, or the property proves little.
    expect(seen[200]).toBeGreaterThan(RUNS / 50);
    expect(seen[404]).toBeGreaterThan(RUNS / 10);
    expect(seen[422]).toBeGreaterThan(RUNS / 4);
    expect(errorsLogged(stack)).toEqual([]);
  });
});

describe('property: image names through gRPC Delete', () => {
  let registry: RegistryServer;
  let stack: ServiceUnderTest;

  beforeAll(async () => {
    // A real registry, empty like the catalog: well-formed names find nothing to delete.
    registry = await RegistryServer.start({ version: '3' });
    stack = await startServiceUnderTest({ LOG_LEVEL: 'warn', REGISTRY_URL: registry.url });
  });

  afterAll(async () => {
    await stack?.stop();
    await registry?.dispose();
  });

  it('answers every name with gRPC OK, and 404 or 422 as the oracle says, never 409 or 500', async () => {
    const seen = { 404: 0, 422: 0 };

    await fc.assert(
      fc.asyncProperty(hostileImageName(false), async (name) => {
        const status = await stack.client.delete({ name });
        const received = asSentOnTheWire(name);

        expect(status.requestId).not.toBe('');
        if (oracleAccepts(received, false)) {
          expect(status).toMatchObject({
            code: 404,
            message: 'Image with the specified name was not found.',
            reason: expect.stringMatching(/^(IMAGE|TAG)_NOT_FOUND$/),
          });
        } else {
          expectInvalidName(status, name, DELETE_INVALID);
        }
        seen[status.code as keyof typeof seen] += 1;
      }),
      { numRuns: RUNS, seed: SEED, examples: HUGE_NAMES },
    );

    expect(seen[404]).toBeGreaterThan(RUNS / 10);
    expect(seen[422]).toBeGreaterThan(RUNS / 4);
    expect(errorsLogged(stack)).toEqual([]);
  });
});
