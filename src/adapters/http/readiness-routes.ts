import type { FastifyPluginAsync } from 'fastify';

/** What readiness asks; each check answers yes or no and never throws. */
export interface ReadinessChecks {
  /** Whether the catalog's database answers, within MONGODB_TIMEOUT_MS. */
  database(): Promise<boolean>;
  /** Whether the token signing key is loaded. */
  signingKeyLoaded(): boolean;
  /** Whether the registry answers; reported, never required. */
  registry(): Promise<boolean>;
}

/** The body of every `/readyz` answer. */
export interface ReadinessReport {
  readonly status: 'ready' | 'not ready';
  readonly database: 'up' | 'down';
  readonly signingKey: 'loaded' | 'missing';
  readonly registry: 'up' | 'down';
}

/**
 * `GET /readyz`: 200 when the service can do its work (database answers, signing key loaded),
 * 503 otherwise, with what was found either way. The registry is reported but not required: a
 * registry outage must not take the token server, which the registry's clients need, out of a
 * load balancer.
 */
export const readinessRoutes: FastifyPluginAsync<ReadinessChecks> = async (app, checks) => {
  app.get('/readyz', async (request, reply) => {
    const [database, registry] = await Promise.all([checks.database(), checks.registry()]);
    const signingKey = checks.signingKeyLoaded();
    const ready = database && signingKey;

    const report: ReadinessReport = {
      status: ready ? 'ready' : 'not ready',
      database: database ? 'up' : 'down',
      signingKey: signingKey ? 'loaded' : 'missing',
      registry: registry ? 'up' : 'down',
    };
    if (!ready) request.log.warn({ readiness: report }, 'not ready');
    return reply.code(ready ? 200 : 503).send(report);
  });
};
