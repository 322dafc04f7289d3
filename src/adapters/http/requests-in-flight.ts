import type { Server } from 'node:http';

/** The requests a server is answering, so that a stop can tell when the last one is done. */
export interface RequestsInFlight {
  /** Resolves once no request is being answered; at once when none is. */
  drained(): Promise<void>;
}

/** Counts each request from its arrival until its response is finished or abandoned. */
export function trackRequestsInFlight(server: Server): RequestsInFlight {
  let count = 0;
  const waiting: Array<() => void> = [];

  server.on('request', (_request, response) => {
    count += 1;
    response.once('close', () => {
      count -= 1;
      if (count === 0) waiting.splice(0).forEach((wake) => wake());
    });
  });

  return {
    drained: () =>
      count === 0 ? Promise.resolve() : new Promise((resolve) => waiting.push(resolve)),
  };
}
