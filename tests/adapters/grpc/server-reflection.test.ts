import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { seedCatalog, tagPush } from '../../support/catalog-seed.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../../support/images-service.js';
import { toolPath } from '../../support/processes.js';

const run = promisify(execFile);

/**
 * grpcurl (scripts/setup.sh builds it) against the service, in plaintext, with nothing but the
 * server's reflection to go by: `grpcurl [flags] <address> <verb or method> [symbol]`.
 */
async function grpcurl(port: number, flags: string[], ...command: string[]): Promise<string> {
  const { stdout } = await run(toolPath('GRPCURL_BIN', 'grpcurl'), [
    '-plaintext',
    ...flags,
    `127.0.0.1:${port}`,
    ...command,
  ]);
  return stdout;
}

describe('gRPC server reflection, through grpcurl', () => {
  let stack: ServiceUnderTest;

  beforeAll(async () => {
    stack = await startServiceUnderTest({ REGISTRY_URL: 'http://127.0.0.1:9' });
    await seedCatalog(stack.mongodbUri, [tagPush('alice/app', 'v1')]);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('lists ImagesAPI and the health service', async () => {
    const listed = (await grpcurl(stack.service.grpcPort, [], 'list')).trim().split('\n');

    expect(listed.sort()).toEqual(['ImagesAPI', 'grpc.health.v1.Health']);
  });

  it('checks health with nothing but the server to describe the call', async () => {
    const answer = await grpcurl(stack.service.grpcPort, [], 'grpc.health.v1.Health/Check');

    expect(JSON.parse(answer)).toEqual({ status: 'SERVING' });
  });

  it('describes ImagesAPI with its methods and the comments of protos/images_api.proto', async () => {
    const described = await grpcurl(stack.service.grpcPort, [], 'describe', 'ImagesAPI');

    expect(described).toContain('ImagesAPI is a service:');
    expect(described).toMatch(/rpc List \( \.User \) returns \( \.ResponseWithImagesList \);/);
    expect(described).toMatch(/rpc Find \( \.Image \) returns \( \.ResponseWithImage \);/);
    expect(described).toMatch(/rpc Delete \( \.Image \) returns \( \.Response \);/);
    // The descriptor set keeps the source info: each RPC's comment comes with it.
    expect(described).toMatch(/\/\/ [^\n]+\n\s+rpc List /);
  });

  it('describes a message field by field', async () => {
    const described = await grpcurl(stack.service.grpcPort, [], 'describe', 'Image');

    expect(described).toContain('Image is a message:');
    expect(described).toContain('string name = 2;');
    expect(described).toContain('repeated string tags = 4;');
  });

  it('calls ImagesAPI/Find with a JSON request built from the reflected types', async () => {
    const answer = await grpcurl(
      stack.service.grpcPort,
      ['-d', JSON.stringify({ name: 'alice/app:v1' })],
      'ImagesAPI/Find',
    );

    expect(JSON.parse(answer)).toMatchObject({
      status: { code: 200, message: 'Image with the specified name was found.' },
      image: { type: 'repository', name: 'alice/app', tags: ['v1'] },
    });
  });
});
