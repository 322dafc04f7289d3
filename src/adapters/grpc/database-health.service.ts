import { setTimeout as sleep } from 'node:timers/promises';

import { ServerError, Status, type CallContext, type ServiceImplementation } from 'nice-grpc';
import type { HealthDefinition } from 'nice-grpc-server-health';
import {
  HealthCheckResponse_ServingStatus as ServingStatus,
  type HealthCheckRequest,
  type HealthCheckResponse,
} from 'nice-grpc-server-health/lib/proto/grpc/health/v1/health.js';

import { ImagesAPIDefinition } from '../../../generated/images_api.js';

export interface DatabaseHealthOptions {
  /** Whether the database answers now; bounded by the caller (MONGODB_TIMEOUT_MS). */
  readonly databaseAnswers: () => Promise<boolean>;
  /** Aborted when the service begins to stop: from then on every service is NOT_SERVING. */
  readonly stopping: AbortSignal;
  /** How often a Watch call checks the database again. */
  readonly watchIntervalMs: number;
}

// "" is the server as a whole; ImagesAPI is the only service whose calls need the database.
const KNOWN_SERVICES: ReadonlySet<string> = new Set(['', ImagesAPIDefinition.fullName]);

/**
 * `grpc.health.v1.Health` for load balancers and Kubernetes probes: SERVING while the database
 * answers a ping, NOT_SERVING while it does not or once the service is stopping. Every Check
 * asks the database again, so a probe never reads a stale answer.
 */
export function databaseHealthService(
  options: DatabaseHealthOptions,
): ServiceImplementation<HealthDefinition> {
  const currentStatus = async (): Promise<ServingStatus> => {
    if (options.stopping.aborted) return ServingStatus.NOT_SERVING;
    const answers = await options.databaseAnswers();
    // The stop may have begun while the database was asked.
    if (options.stopping.aborted || !answers) return ServingStatus.NOT_SERVING;
    return ServingStatus.SERVING;
  };

  return {
    async check(request: HealthCheckRequest): Promise<HealthCheckResponse> {
      if (!KNOWN_SERVICES.has(request.service)) {
        throw new ServerError(
          Status.NOT_FOUND,
          `unknown service "${request.service}": health is reported for "" and "ImagesAPI"`,
        );
      }
      return { status: await currentStatus() };
    },

    async *watch(
      request: HealthCheckRequest,
      context: CallContext,
    ): AsyncGenerator<HealthCheckResponse> {
      // The stream ends with the service's stop, so that it never holds the shutdown up.
      const ended = AbortSignal.any([context.signal, options.stopping]);

      // The protocol keeps a Watch of an unknown service open, in case it appears later.
      if (!KNOWN_SERVICES.has(request.service)) {
        yield { status: ServingStatus.SERVICE_UNKNOWN };
        await untilAborted(ended);
        return;
      }

      let last: ServingStatus | undefined;
      while (!ended.aborted) {
        const status = await currentStatus();
        if (status !== last) yield { status };
        last = status;
        await sleep(options.watchIntervalMs, undefined, { signal: ended }).catch(() => undefined);
      }
      if (options.stopping.aborted && last !== ServingStatus.NOT_SERVING) {
        yield { status: ServingStatus.NOT_SERVING };
      }
    },
  };
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}
