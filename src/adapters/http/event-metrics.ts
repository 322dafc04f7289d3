import { Counter, Histogram, type Registry } from 'prom-client';

/** The outcome of one event at the endpoint: the use case's effects, and two of ours. */
export type EventOutcome = 'applied' | 'unchanged' | 'duplicate' | 'ignored' | 'invalid' | 'failed';

const KNOWN_ACTIONS = new Set(['push', 'pull', 'delete', 'mount']);

/** Counts the registry events the endpoint received, by action and outcome, and their lag. */
export class EventMetrics {
  private readonly events: Counter<'action' | 'outcome'>;
  private readonly lag: Histogram;
  private readonly refused: Counter;

  constructor(registry: Registry) {
    this.events = new Counter({
      name: 'images_service_registry_events_total',
      help: 'Registry events received on /event, by action and outcome',
      labelNames: ['action', 'outcome'],
      registers: [registry],
    });
    this.lag = new Histogram({
      name: 'images_service_registry_event_lag_seconds',
      help: 'Time from the registry doing something to its event being stored',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
      registers: [registry],
    });
    this.refused = new Counter({
      name: 'images_service_registry_envelopes_overloaded_total',
      help: 'Envelopes refused with 503 OVERLOADED, beyond EVENT_REQUESTS_IN_FLIGHT',
      registers: [registry],
    });
  }

  /** An envelope refused unread because too many were being stored. */
  countOverloaded(): void {
    this.refused.inc();
  }

  count(action: string | undefined, outcome: EventOutcome, occurredAt?: Date): void {
    // Unknown actions share one label: a label per invented action would grow without bound.
    const label = action !== undefined && KNOWN_ACTIONS.has(action) ? action : 'other';
    this.events.inc({ action: label, outcome });
    if (occurredAt !== undefined && (outcome === 'applied' || outcome === 'unchanged')) {
      this.lag.observe(Math.max(0, (Date.now() - occurredAt.getTime()) / 1000));
    }
  }
}
