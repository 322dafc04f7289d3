import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface MetricsRoutesOptions {
  readonly registry: Registry;
}

/** `GET /metrics`: every metric of `registry` in Prometheus' text format, for scrapers. */
export async function metricsRoutes(
  app: FastifyInstance,
  options: MetricsRoutesOptions,
): Promise<void> {
  const { registry } = options;

  // Scrapes come every few seconds: their lines would drown the requests worth reading.
  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}
