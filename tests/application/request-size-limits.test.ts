import { connect } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startServiceUnderTest, type ServiceUnderTest } from '../support/images-service.js';

const NO_REGISTRY = 'http://127.0.0.1:9';

/**
 * Writes `request` on a raw socket and reads the answer until the server closes. Raw, because
 * the server answers 431 and closes while a client may still be writing: HTTP clients then
 * report the reset instead of the answer that came before it.
 */
function rawExchange(port: number, request: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    // A reset after the answer arrived is the server closing as it should.
    socket.on('error', (error) => (received === '' ? reject(error) : undefined));
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
      resolve({ status, body: received.slice(received.indexOf('\r\n\r\n') + 4) });
    });
  });
}

/** A GET of `url` with one extra header of `size` bytes. */
function getWithHeader(url: string, size: number): Promise<{ status: number; body: string }> {
  const { port, pathname, search } = new URL(url);
  return rawExchange(
    Number(port),
    `GET ${pathname}${search} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
      `X-Padding: ${'p'.repeat(size)}\r\nConnection: close\r\n\r\n`,
  );
}

describe('security: request size limits on the HTTP endpoints', () => {
  let stack: ServiceUnderTest;

  beforeAll(async () => {
    stack = await startServiceUnderTest({ REGISTRY_URL: NO_REGISTRY, LOG_LEVEL: 'warn' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 431 to headers beyond 16 KiB and serves the same request with 15 KiB of them', async () => {
    const url = `${stack.httpUrl}/auth?service=registry.docker.com`;

    const refused = await getWithHeader(url, 17 * 1024);
    const served = await getWithHeader(url, 15 * 1024);

    expect(refused.status).toBe(431);
    expect(JSON.parse(refused.body)).toEqual({
      errors: [
        { code: 'HEADERS_TOO_LARGE', message: 'request line and headers exceed 16384 bytes' },
      ],
    });
    expect(served.status).toBe(200);
  });

  it('answers 431 to a token request whose URL alone is beyond 16 KiB', async () => {
    const scope = encodeURIComponent(`repository:alice/${'a'.repeat(200)}:pull`);
    const query = Array.from({ length: 80 }, () => `scope=${scope}`).join('&');

    const response = await getWithHeader(`${stack.httpUrl}/auth?${query}`, 0);

    expect(response.status).toBe(431);
  });

  it('answers a request Node cannot parse with 400 in the documented error shape', async () => {
    const { port } = new URL(stack.httpUrl);

    const answer = await rawExchange(Number(port), 'NOT HTTP AT ALL\r\n\r\n');

    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({
      errors: [
        { code: 'BAD_REQUEST', message: expect.stringMatching(/^the request is not valid HTTP/) },
      ],
    });
  });

  // README: containerd falls back to GET only on 400, so the token endpoint answers 400, not 413.
  it('refuses a form body beyond 16 KiB on POST /auth with 400 INVALID_REQUEST', async () => {
    const response = await fetch(`${stack.httpUrl}/auth`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', scope: 'x'.repeat(17 * 1024) }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [{ code: 'INVALID_REQUEST', message: expect.stringMatching(/too large/i) }],
    });
  });

  it('refuses a JSON body beyond 16 KiB on POST /auth with 400 INVALID_REQUEST', async () => {
    const response = await fetch(`${stack.httpUrl}/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password', scope: 'x'.repeat(17 * 1024) }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [{ code: 'INVALID_REQUEST', message: expect.stringMatching(/too large/i) }],
    });
  });
});
