import { appendFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

import bcrypt from 'bcryptjs';
import { Metadata } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EventRecorder, notificationsTo } from '../support/event-recorder.js';
import { eventually, settled } from '../support/eventually.js';
import type { LogLine } from '../support/log-capture.js';
import { pushTestImage, skopeoInspect } from '../support/skopeo.js';
import {
  ACCOUNTS,
  TOKEN_SERVICE,
  TokenAuthStack,
  type CredentialAdapter,
} from '../support/token-auth-stack.js';

const SECRET = 'log-secrecy-notification-secret-42';
const WRONG_SECRET = 'log-secrecy-wrong-secret-0000000';
const WRONG_PASSWORD = 'alice-wrong-password-7';
const CAROL_PASSWORD = 'carol-secret-password';
const DELETE_REQUEST_ID = 'log-secrecy-delete-1';
const EVENT_REQUEST_ID = 'log-secrecy-event-1';

const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

/**
 * What must never reach a log line, with the parts that give it away on their own: a JWS's
 * signature, a JWE's ciphertext and tag.
 */
function revealing(token: string): string[] {
  const parts = token.split('.');
  return [token, ...(parts.length === 3 ? parts.slice(2) : parts.slice(3))];
}

/**
 * The whole service at LOG_LEVEL=trace behind a real registry 3 that sends clients to it for
 * tokens and notifies it of every push, pull and delete; every password, token and secret the
 * scenario handles is then looked for in everything the service logged.
 */
describe.each<CredentialAdapter>(['users-service', 'htpasswd'])(
  'the log of a service checking passwords with %s',
  (credentials) => {
    let recorder: EventRecorder;
    let stack: TokenAuthStack;
    const secrets: string[] = [ACCOUNTS.alice, WRONG_PASSWORD, SECRET, WRONG_SECRET];
    let lines: LogLine[];
    let text: string;

    const postToken = async (form: Record<string, string>) => {
      const response = await fetch(stack.realm, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ service: TOKEN_SERVICE, ...form }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, string> };
    };
    const getToken = async (authorization: string, query: Record<string, string> = {}) => {
      const parameters = new URLSearchParams({
        service: TOKEN_SERVICE,
        scope: 'repository:alice/app:pull,push',
        ...query,
      });
      const response = await fetch(`${stack.realm}?${parameters}`, { headers: { authorization } });
      return { status: response.status, body: (await response.json()) as Record<string, string> };
    };
    const keep = (...tokens: (string | undefined)[]) => {
      for (const token of tokens) {
        expect(token).toEqual(expect.any(String));
        secrets.push(...revealing(token as string));
      }
    };

    beforeAll(async () => {
      recorder = await EventRecorder.start();
      stack = await TokenAuthStack.start({
        version: '3',
        credentials,
        kidFormat: 'jwk-thumbprint',
        env: { LOG_LEVEL: 'trace', NOTIFICATION_SECRETS: SECRET },
        notifications: notificationsTo(recorder, SECRET),
      });
      recorder.target = `${stack.service.httpUrl}/event`;
      const alice = { username: 'alice', password: ACCOUNTS.alice };
      secrets.push(
        basic('alice', ACCOUNTS.alice).slice(6),
        basic('alice', WRONG_PASSWORD).slice(6),
      );

      // A push and a pull with skopeo: token requests with Basic credentials, then events.
      await pushTestImage(
        `${stack.registry.host}/alice/app:v1`,
        { content: 'secrecy' },
        { creds: alice },
      );
      expect(await skopeoInspect(`${stack.registry.host}/alice/app:v1`, { creds: alice })).toMatch(
        /^sha256:/,
      );

      // Wrong passwords on both endpoints, and a malformed body that quotes the password.
      expect((await getToken(basic('alice', WRONG_PASSWORD))).status).toBe(401);
      expect(
        (await postToken({ grant_type: 'password', username: 'alice', password: WRONG_PASSWORD }))
          .status,
      ).toBe(401);
      const malformed = await fetch(stack.realm, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"grant_type":"password","username":"alice","password":"${ACCOUNTS.alice}"`,
      });
      expect(malformed.status).toBe(400);

      // A changed users file is read again by the next login, once the recheck interval passed.
      if (credentials === 'htpasswd') {
        const carol = `carol:${await bcrypt.hash(CAROL_PASSWORD, 4)}\n`;
        await appendFile(stack.env['USERS_FILE'] as string, carol);
        await sleep(1100);
      }

      // Access and refresh tokens from every grant; the last access token read the registry.
      const viaGet = await getToken(basic('alice', ACCOUNTS.alice), { offline_token: 'true' });
      keep(viaGet.body['token'], viaGet.body['refresh_token']);
      const login = await postToken({
        grant_type: 'password',
        username: 'alice',
        password: ACCOUNTS.alice,
        scope: 'repository:alice/app:pull',
        access_type: 'offline',
      });
      keep(login.body['access_token'], login.body['refresh_token']);
      const refreshed = await postToken({
        grant_type: 'refresh_token',
        refresh_token: login.body['refresh_token'] as string,
        scope: 'repository:alice/app:pull',
      });
      keep(refreshed.body['access_token']);
      expect(
        await stack.registryStatus('/v2/alice/app/tags/list', refreshed.body['access_token']),
      ).toBe(200);

      // /event with a wrong secret, and with the right one under a request id of our own.
      const envelope = { events: [{ id: 'secrecy-odd', action: 'push', target: {} }] };
      for (const [authorization, requestId] of [
        [`Bearer ${WRONG_SECRET}`, 'log-secrecy-wrong-secret'],
        [`Bearer ${SECRET}`, EVENT_REQUEST_ID],
      ] as const) {
        await fetch(`${stack.service.httpUrl}/event`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization,
            'x-request-id': requestId,
          },
          body: JSON.stringify(envelope),
        });
      }

      // gRPC Delete: the service signs a token of its own for the registry.
      const deletion = await stack.service.client.delete(
        { name: 'alice/app' },
        { metadata: Metadata({ 'x-request-id': DELETE_REQUEST_ID }) },
      );
      expect(deletion.code).toBe(200);
      await eventually(async () =>
        expect(recorder.accepted.some((sent) => sent.body.includes('"delete"'))).toBe(true),
      );
      await settled(() => recorder.envelopes.length);

      lines = stack.service.logs.lines;
      text = stack.service.logs.raw.join('\n');
    }, 120_000);

    afterAll(async () => {
      await stack?.dispose();
      await recorder?.close();
    });

    it('logged down to debug level, from every part of the scenario', () => {
      const messages = new Set(lines.map((line) => line.msg));

      expect(lines.some((line) => line.level === 20)).toBe(true);
      for (const message of [
        'token issued',
        'token request refused',
        'malformed token request',
        'registry event',
        'registry answered',
        'image deleted',
      ]) {
        expect(messages).toContain(message);
      }
    });

    it('holds no password, token, signature, notification secret or Basic header value', () => {
      expect(secrets.length).toBeGreaterThan(10);
      const leaked = secrets.filter((secret) => text.includes(secret));

      expect(leaked).toEqual([]);
    });

    it('names the request on every line of an HTTP request, the Fastify ones and ours', () => {
      const requestLines = lines.filter(
        (line) => 'req' in line || 'res' in line || line.msg === 'token issued',
      );

      expect(requestLines.length).toBeGreaterThan(20);
      expect(requestLines.filter((line) => typeof line['requestId'] !== 'string')).toEqual([]);
      expect(stack.service.logs.forRequest(EVENT_REQUEST_ID).map((line) => line.msg)).toContain(
        'registry event unreadable',
      );
      // Ours where the test offered one, else UUIDs, as gRPC makes them: never `req-1`.
      const madeUp = requestLines
        .map((line) => line['requestId'] as string)
        .filter((id) => !id.startsWith('log-secrecy-'));
      expect(madeUp.filter((id) => !/^[0-9a-f]{8}-[0-9a-f-]{27}$/.test(id))).toEqual([]);
    });

    it("names the gRPC Delete on the registry client's lines, logged far from the call's logger", () => {
      const deleteLines = stack.service.logs.forRequest(DELETE_REQUEST_ID);
      const registryCalls = deleteLines.filter((line) => line.msg === 'registry answered');

      expect(registryCalls.map((line) => line['method'])).toContain('DELETE');
      expect(deleteLines.map((line) => line.msg)).toContain('image deleted');
      expect(
        lines.filter((line) => line.msg === 'registry answered' && !line['requestId']),
      ).toEqual([]);
    });

    it('names the login that found the users file changed on the reload line of the root logger', () => {
      const reloads = lines.filter((line) => line.msg === 'users file reloaded');

      // Only the htpasswd service has a users file, changed once during the scenario.
      expect(reloads).toHaveLength(credentials === 'htpasswd' ? 1 : 0);
      for (const reload of reloads) {
        const sameRequest = stack.service.logs.forRequest(reload['requestId'] as string);
        expect(sameRequest.map((line) => line.msg)).toEqual([
          'incoming request',
          'users file reloaded',
          'token issued',
          'request completed',
        ]);
      }
    });

    it('logs nothing between start-up and stop that belongs to no request', () => {
      const listening = lines.findIndex((line) => line.msg === 'images service listening');
      // Periodic jobs (pruning, reconciliation) run for no request; none is due in this scenario.
      const unnamed = lines
        .slice(listening + 1)
        .filter((line) => line['requestId'] === undefined && line['job'] === undefined);

      expect(listening).toBeGreaterThan(0);
      expect(unnamed).toEqual([]);
    });

    it('puts the request id on each line once', () => {
      const doubled = stack.service.logs.raw.filter((raw) => raw.split('"requestId":').length > 2);

      expect(doubled).toEqual([]);
    });
  },
);
