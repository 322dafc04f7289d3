import { mkdtemp, rm } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ChannelCredentials, createChannel, createClient, type Channel } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ImagesAPIDefinition } from '../../generated/images_api.js';
import { seedCatalog, tagPush } from '../support/catalog-seed.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../support/images-service.js';
import {
  selfSignedServerCertificate,
  type TlsCertificateFiles,
} from '../support/tls-certificate.js';

/** GET over https trusting `ca` only (undefined: the system's roots); resolves status and body. */
function httpsGetText(url: string, ca: Buffer | undefined) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    httpsGet(url, { ca }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('TLS_CERT_FILE and TLS_KEY_FILE', () => {
  let directory: string;
  let certificate: TlsCertificateFiles;
  let stack: ServiceUnderTest;
  const channels: Channel[] = [];

  const findOver = (credentials: ChannelCredentials) => {
    const channel = createChannel(`localhost:${stack.service.grpcPort}`, credentials);
    channels.push(channel);
    return createClient(ImagesAPIDefinition, channel).find(
      { name: 'alice/app:v1' },
      { signal: AbortSignal.timeout(10_000) },
    );
  };

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tls-'));
    certificate = await selfSignedServerCertificate(directory);
    stack = await startServiceUnderTest({
      TLS_CERT_FILE: certificate.certificatePath,
      TLS_KEY_FILE: certificate.keyPath,
      REGISTRY_URL: 'http://127.0.0.1:9',
    });
    await seedCatalog(stack.mongodbUri, [tagPush('alice/app', 'v1')]);
  });

  afterAll(async () => {
    channels.forEach((channel) => channel.close());
    await stack?.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it('answers Find over TLS to a client that trusts the certificate', async () => {
    const response = await findOver(ChannelCredentials.createSsl(certificate.certificate));

    expect(response.status).toMatchObject({
      code: 200,
      message: 'Image with the specified name was found.',
    });
    expect(response.image).toMatchObject({ name: 'alice/app', tags: ['v1'] });
  });

  it('fails a plaintext gRPC client', async () => {
    await expect(findOver(ChannelCredentials.createInsecure())).rejects.toMatchObject({
      name: 'ClientError',
      code: 14, // UNAVAILABLE: no HTTP/2 over plaintext from a TLS listener.
    });
  });

  it('fails a gRPC client that does not trust the certificate', async () => {
    await expect(findOver(ChannelCredentials.createSsl())).rejects.toMatchObject({
      code: 14,
      details: expect.stringMatching(/self[- ]signed certificate/i),
    });
  });

  it('serves /healthz and /readyz over https', async () => {
    const base = `https://localhost:${stack.service.httpPort}`;

    expect(await httpsGetText(`${base}/healthz`, certificate.certificate)).toEqual({
      status: 200,
      body: JSON.stringify({ status: 'alive' }),
    });
    expect(await httpsGetText(`${base}/readyz`, certificate.certificate)).toMatchObject({
      status: 200,
    });
  });

  it('refuses an https client that does not trust the certificate', async () => {
    const url = `https://localhost:${stack.service.httpPort}/healthz`;

    await expect(httpsGetText(url, undefined)).rejects.toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
  });

  it('answers no plaintext HTTP request', async () => {
    const plaintext = new Promise((resolve, reject) =>
      httpGet(`http://localhost:${stack.service.httpPort}/healthz`, resolve).on('error', reject),
    );

    await expect(plaintext).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
