import { createServer, type Server } from 'node:http';

/** One notification request as the registry sent it. */
export interface RecordedEnvelope {
  readonly contentType: string;
  readonly authorization: string;
  readonly body: string;
  /** What the service answered; 502 when it could not be reached. */
  readonly status: number;
}

/**
 * Sits between a registry and the service's `/event`: records every envelope the registry
 * sends and relays it, with the service's answer going back, so that the registry retries
 * exactly when the service refuses. The service may move (a restart takes new ports).
 */
export class EventRecorder {
  readonly envelopes: RecordedEnvelope[] = [];
  /** The service's `/event` URL; undefined (or a stopped service) answers 502. */
  target: string | undefined;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<EventRecorder> {
    let recorder: EventRecorder | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        void recorder
          ?.relay(request.headers, Buffer.concat(chunks).toString('utf8'))
          .then(({ status, body }) => {
            response.writeHead(status, { 'content-type': 'application/json' });
            response.end(body);
          });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;

    recorder = new EventRecorder(server, `http://127.0.0.1:${port}/event`);
    return recorder;
  }

  /** The envelopes the service accepted, each once, in the order they arrived. */
  get accepted(): RecordedEnvelope[] {
    return this.envelopes.filter((envelope) => envelope.status >= 200 && envelope.status < 300);
  }

  /** How many events the service accepted so far. */
  get acceptedEvents(): number {
    return this.accepted.reduce(
      (sum, envelope) => sum + (JSON.parse(envelope.body) as { events: unknown[] }).events.length,
      0,
    );
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async relay(
    headers: Record<string, string | string[] | undefined>,
    body: string,
  ): Promise<{ status: number; body: string }> {
    const contentType = String(headers['content-type'] ?? '');
    const authorization = String(headers['authorization'] ?? '');

    let answer = { status: 502, body: '{"errors":[{"code":"RECORDER","message":"no service"}]}' };
    if (this.target !== undefined) {
      try {
        const response = await fetch(this.target, {
          method: 'POST',
          headers: { 'content-type': contentType, authorization },
          body,
        });
        answer = { status: response.status, body: await response.text() };
      } catch {
        // The service is down: the registry sees a failure and retries, as it would directly.
      }
    }

    this.envelopes.push({ contentType, authorization, body, status: answer.status });
    return answer;
  }
}

/** A registry's `notifications` section that sends every event to `recorder` with `secret`. */
export function notificationsTo(recorder: EventRecorder, secret: string) {
  return {
    endpoints: [
      {
        name: 'images-service',
        url: recorder.url,
        headers: { Authorization: [`Bearer ${secret}`] },
        // Small, so that a refused event is retried well within a test's patience.
        timeout: '5s',
        threshold: 1,
        backoff: '250ms',
      },
    ],
  };
}
