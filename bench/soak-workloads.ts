import { Agent } from 'node:http';

import type { ImagesAPIClient } from '../generated/images_api.js';
import { catalogOperations } from './catalog-operations.js';
import { call } from './http-call.js';
import { SOAK_RATES } from './soak-config.js';
import type { SoakEnvelopes } from './soak-envelopes.js';
import type { Workload } from './soak-schedule.js';
import type { BenchCatalog, repositoryCollection } from './seed-repositories.js';

const SERVICE = 'registry.docker.com';
const REPOSITORIES_PER_USER = 5;

/** What the workloads talk to and with. */
export interface SoakTargets {
  readonly httpPort: number;
  /** One client, on a channel of its own, for Find and one for List, as separate callers. */
  readonly clients: { readonly find: ImagesAPIClient; readonly list: ImagesAPIClient };
  readonly users: readonly string[];
  readonly password: string;
  readonly notificationSecret: string;
  readonly envelopes: SoakEnvelopes;
  readonly catalog: BenchCatalog;
  readonly collection: ReturnType<typeof repositoryCollection>;
  /** The share of SOAK_RATES to send, in percent. */
  readonly loadPercent: number;
}

/**
 * The four kinds of traffic at the issue's rates: token requests of docker clients whose
 * credentials the service verified before (a few users, a few repositories each, as the pushes
 * and pulls of a busy site ask), registry notifications, and FogCore's gRPC reads, split 3:2
 * between Find and List.
 */
export function soakWorkloads(targets: SoakTargets): Workload[] {
  // Open-loop calls pile up when the server stalls: each kind has connections of its own,
  // enough that none waits in the client for a free one behind calls of another kind, which
  // would count the client's queue as the server's time.
  const sender = (maxSockets: number) => {
    const agent = new Agent({ keepAlive: true, maxSockets });
    return (path: string, headers: Record<string, string>, body?: string) =>
      call(agent, targets.httpPort, body === undefined ? 'GET' : 'POST', path, headers, body);
  };
  const getToken = sender(1_024);
  const postEvent = sender(2_048);
  const { find } = catalogOperations(targets.catalog, targets.clients.find, targets.collection);
  const { list } = catalogOperations(targets.catalog, targets.clients.list, targets.collection);

  const scaled = (rate: number) => (rate * targets.loadPercent) / 100;

  let tokens = 0;
  const token: Workload = {
    name: 'Token requests (`GET /auth`, credentials cached)',
    ratePerSecond: scaled(SOAK_RATES.token),
    call: async () => {
      tokens += 1;
      const user = targets.users[tokens % targets.users.length] as string;
      const repository = `${user}/app-${Math.floor(tokens / targets.users.length) % REPOSITORIES_PER_USER}`;
      const path = `/auth?service=${SERVICE}&scope=repository:${repository}:pull,push`;
      const answer = await getToken(path, { authorization: basic(user, targets.password) });
      if (answer.status !== 200 || !answer.body.includes('"token"'))
        throw new Error(`GET /auth answered ${answer.status}: ${answer.body.slice(0, 200)}`);
      return 'ok';
    },
  };

  const event: Workload = {
    name: 'Event envelopes (`POST /event`)',
    ratePerSecond: scaled(SOAK_RATES.event),
    call: async () => {
      const envelope = targets.envelopes.next();
      const headers = {
        'content-type': envelope.contentType,
        authorization: `Bearer ${targets.notificationSecret}`,
      };
      const answer = await postEvent('/event', headers, envelope.body);
      if (answer.status === 200) return 'ok';
      // The documented refusals while the database is down or behind: the registry retries them.
      if (answer.status === 503 && /"(STORE_UNAVAILABLE|OVERLOADED)"/.test(answer.body))
        return 'retry';
      throw new Error(
        `POST /event (${envelope.kind}) answered ${answer.status}: ${answer.body.slice(0, 200)}`,
      );
    },
  };

  const grpc = (name: string, share: number, operation: () => Promise<void>): Workload => ({
    name,
    ratePerSecond: scaled(SOAK_RATES.grpc * share),
    call: async () => {
      await operation();
      return 'ok';
    },
  });

  return [
    token,
    event,
    grpc('gRPC Find', 0.6, find.viaService),
    grpc('gRPC List (one owner)', 0.4, list.viaService),
  ];
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
