import { readFile } from 'node:fs/promises';

import { createChannel, createClient, Status } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { HealthCheckResponse_ServingStatus as ServingStatus } from 'nice-grpc-server-health/lib/proto/grpc/health/v1/health.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually } from '../support/eventually.js';
import { MetricsScrape } from '../support/metrics-scrape.js';
import { ACCOUNTS, TOKEN_SERVICE, TokenAuthStack } from '../support/token-auth-stack.js';

const SECRET = 'metrics-notification-secret-0123';
const FIXTURES = new URL('../fixtures/registry-events/', import.meta.url);

const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

/**
 * Drives known traffic through the whole service (token requests, an /event envelope, gRPC
 * calls that answer 200, 404 and 422) and reads /metrics over HTTP as Prometheus would: each
 * counter must hold exactly what that traffic produced.
 */
describe('GET /metrics after real traffic', () => {
  let stack: TokenAuthStack;
  let scrape: MetricsScrape;

  const getToken = async (authorization?: string) => {
    const query = new URLSearchParams({
      service: TOKEN_SERVICE,
      scope: 'repository:alice/app:pull',
    });
    const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
    const response = await fetch(`${stack.realm}?${query}`, { headers });
    await response.arrayBuffer();
    return response.status;
  };
  const postToken = async (form: Record<string, string>) => {
    const response = await fetch(stack.realm, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ service: TOKEN_SERVICE, ...form }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  };

  beforeAll(async () => {
    stack = await TokenAuthStack.start({
      version: '3',
      credentials: 'htpasswd',
      kidFormat: 'jwk-thumbprint',
      env: { NOTIFICATION_SECRETS: SECRET, LOGIN_MAX_FAILURES_PER_ACCOUNT: '2' },
    });

    // Tokens: two good logins (the second from the cache), three wrong passwords, one login
    // the failed-login limit refuses, an anonymous token, both POST grants and a bad grant.
    expect(await getToken(basic('alice', ACCOUNTS.alice))).toBe(200);
    expect(await getToken(basic('alice', ACCOUNTS.alice))).toBe(200);
    expect(await getToken(basic('alice', 'wrong-password'))).toBe(401);
    expect(await getToken(basic('bob', 'wrong-password'))).toBe(401);
    expect(await getToken(basic('bob', 'wrong-password'))).toBe(401);
    expect(await getToken(basic('bob', 'wrong-password'))).toBe(429);
    expect(await getToken()).toBe(200);
    const login = await postToken({
      grant_type: 'password',
      username: 'alice',
      password: ACCOUNTS.alice,
      access_type: 'offline',
    });
    expect(login.status).toBe(200);
    const refresh = await postToken({
      grant_type: 'refresh_token',
      refresh_token: login.body['refresh_token'] as string,
    });
    expect(refresh.status).toBe(200);
    expect((await postToken({ grant_type: 'client_credentials' })).status).toBe(400);

    // One registry event: a tag push the catalog applies.
    const fixture = JSON.parse(
      await readFile(new URL('registry-3-tag-push.json', FIXTURES), 'utf8'),
    ) as { contentType: string; body: unknown };
    const event = await fetch(`${stack.service.httpUrl}/event`, {
      method: 'POST',
      headers: { 'content-type': fixture.contentType, authorization: `Bearer ${SECRET}` },
      body: JSON.stringify(fixture.body),
    });
    expect(await event.json()).toMatchObject({ received: 1, applied: 1 });

    // gRPC: List and Find answering 200, 404 and 422, and a Delete through the registry.
    const { client } = stack.service;
    expect((await client.list({ username: '' })).status?.code).toBe(200);
    expect((await client.list({ username: 'nobody' })).status?.code).toBe(404);
    expect((await client.find({ name: 'alice/app:v1' })).status?.code).toBe(200);
    expect((await client.find({ name: 'alice/app:nope' })).status?.code).toBe(404);
    expect((await client.find({ name: 'alice/missing' })).status?.code).toBe(404);
    expect((await client.find({ name: 'Alice/App' })).status?.code).toBe(422);
    expect((await client.delete({ name: 'alice/app' })).code).toBe(200);
    // A service that answers with gRPC statuses: health, asked about a service it does not know.
    const channel = createChannel(`127.0.0.1:${stack.service.service.grpcPort}`);
    const health = createClient(HealthDefinition, channel);
    await expect(health.check({ service: 'NoSuchService' })).rejects.toMatchObject({
      code: Status.NOT_FOUND,
    });
    // A stream the client leaves after its first message.
    for await (const answer of health.watch({ service: '' })) {
      expect(answer.status).toBe(ServingStatus.SERVING);
      break;
    }
    channel.close();

    // The server learns of the abandoned stream a moment after the client left it.
    scrape = await eventually(async () => {
      const scraped = await MetricsScrape.from(stack.service.httpUrl);
      expect(scraped.all('images_service_grpc_calls_total')).toHaveLength(8);
      return scraped;
    });
  });

  afterAll(async () => {
    await stack?.dispose();
  });

  it('answers in the Prometheus text format with the process metrics of prom-client', () => {
    expect(scrape.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(scrape.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(scrape.value('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(scrape.all('nodejs_eventloop_lag_seconds')).toHaveLength(1);
  });

  it('counts issued tokens by grant', () => {
    const issued = (grant: string) => scrape.value('images_service_tokens_issued_total', { grant });

    expect(issued('basic')).toBe(2);
    expect(issued('anonymous')).toBe(1);
    expect(issued('password')).toBe(1);
    expect(issued('refresh_token')).toBe(1);
  });

  it('counts refused token requests by grant and reason, and the rate-limited ones apart', () => {
    const denied = (grant: string, reason: string) =>
      scrape.value('images_service_token_denials_total', { grant, reason });

    expect(denied('basic', 'INVALID_CREDENTIALS')).toBe(3);
    expect(denied('basic', 'TOO_MANY_ATTEMPTS')).toBe(1);
    expect(denied('unknown', 'UNSUPPORTED_GRANT_TYPE')).toBe(1);
    expect(scrape.all('images_service_token_denials_total')).toHaveLength(3);
    expect(scrape.value('images_service_login_rate_limited_total')).toBe(1);
  });

  it('counts credential-cache hits and misses: failures are never cached, refused logins never looked up', () => {
    // alice right (miss), right again (hit), wrong (miss); bob wrong twice (misses), then
    // refused before any lookup; the password grant of alice (hit). The refresh asks the users
    // file for the account's state, not the cache.
    const lookups = (result: string) =>
      scrape.value('images_service_credential_cache_lookups_total', { result });

    expect(lookups('hit')).toBe(2);
    expect(lookups('miss')).toBe(4);
  });

  it('counts the envelope event by action and outcome, and observes its ingest lag', () => {
    expect(
      scrape.value('images_service_registry_events_total', { action: 'push', outcome: 'applied' }),
    ).toBe(1);
    expect(scrape.value('images_service_registry_event_lag_seconds_count')).toBe(1);
  });

  it('counts gRPC calls by method, gRPC status and status.code, with a latency histogram', () => {
    const calls = (method: string, statusCode: string) =>
      scrape.value('images_service_grpc_calls_total', {
        grpc_service: 'ImagesAPI',
        grpc_method: method,
        grpc_code: 'OK',
        status_code: statusCode,
      });
    const timed = (method: string, statusCode: string) =>
      scrape.value('images_service_grpc_call_duration_seconds_count', {
        grpc_service: 'ImagesAPI',
        grpc_method: method,
        status_code: statusCode,
      });

    expect(calls('List', '200')).toBe(1);
    expect(calls('List', '404')).toBe(1);
    expect(calls('Find', '200')).toBe(1);
    expect(calls('Find', '404')).toBe(2);
    expect(calls('Find', '422')).toBe(1);
    expect(calls('Delete', '200')).toBe(1);
    expect(scrape.all('images_service_grpc_calls_total')).toHaveLength(8);
    expect(
      scrape.value('images_service_grpc_calls_total', {
        grpc_service: 'grpc.health.v1.Health',
        grpc_method: 'Check',
        grpc_code: 'NOT_FOUND',
        status_code: '',
      }),
    ).toBe(1);
    expect(
      scrape.value('images_service_grpc_calls_total', {
        grpc_service: 'grpc.health.v1.Health',
        grpc_method: 'Watch',
        grpc_code: 'CANCELLED',
        status_code: '',
      }),
    ).toBe(1);
    expect(timed('Find', '404')).toBe(2);
    expect(timed('Delete', '200')).toBe(1);
    const slowest = scrape.value('images_service_grpc_call_duration_seconds_bucket', {
      grpc_service: 'ImagesAPI',
      grpc_method: 'Find',
      status_code: '404',
      le: '+Inf',
    });
    expect(slowest).toBe(2);
  });

  it('times database commands by name and outcome', () => {
    const finds = scrape.value('images_service_database_operation_duration_seconds_count', {
      operation: 'find',
      outcome: 'succeeded',
    });
    const seconds = scrape.value('images_service_database_operation_duration_seconds_sum', {
      operation: 'find',
      outcome: 'succeeded',
    });

    // List and Find read with `find`; so do event ingestion and Delete, a number of times that
    // is theirs to choose.
    expect(finds).toBeGreaterThanOrEqual(6);
    expect(seconds).toBeGreaterThan(0);
  });
});
