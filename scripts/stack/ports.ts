import { createServer } from 'node:net';

/** A loopback port that was free a moment ago, for a server that cannot bind port 0 itself. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address !== null ? address.port : 0),
      );
    });
  });
}

/** Rejects, naming the variable that chose the port, when something already listens there. */
export function assertPortFree(host: string, port: number, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `${host}:${port} (from ${variable}) cannot be used: ${error.code ?? error.message}; ` +
            `set ${variable} to another address`,
        ),
      ),
    );
    server.listen(port, host, () => server.close(() => resolve()));
  });
}
