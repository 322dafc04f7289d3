import type { mongo } from 'mongoose';
import { Histogram, type Registry } from 'prom-client';

type CommandSucceededEvent = mongo.CommandSucceededEvent;
type CommandFailedEvent = mongo.CommandFailedEvent;

/**
 * Times every command the catalog sends to MongoDB, by command name (`find`, `update`,
 * `insert`, `delete`, `findAndModify`...) and outcome, from the driver's command monitoring:
 * no adapter method has to be wrapped, and nothing sent escapes the count.
 */
export class MongoCommandMetrics {
  private readonly duration: Histogram<'operation' | 'outcome'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'images_service_database_operation_duration_seconds',
      help: 'Time MongoDB took to answer a command, by command name and outcome',
      labelNames: ['operation', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
  }

  /** Listens to `client`'s command events; it must have been opened with `monitorCommands`. */
  observe(client: mongo.MongoClient): void {
    client.on('commandSucceeded', (event: CommandSucceededEvent) =>
      this.record(event, 'succeeded'),
    );
    client.on('commandFailed', (event: CommandFailedEvent) => this.record(event, 'failed'));
  }

  private record(event: CommandSucceededEvent | CommandFailedEvent, outcome: string): void {
    // The driver reports milliseconds.
    this.duration.observe({ operation: event.commandName, outcome }, event.duration / 1000);
  }
}
