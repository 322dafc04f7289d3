import { request as httpRequest } from 'node:http';
import { connect as http2Connect, type ClientHttp2Stream } from 'node:http2';
import { connect as tcpConnect } from 'node:net';

/**
 * Requests sent in two halves, as a client on a slow link sends them: the server has the
 * request and waits for the rest of its body, so it is in flight for as long as the test wants,
 * with nothing slowed down on the server's side.
 */
export interface HalfSentRequest<Answer> {
  /** Sends the rest of the body and resolves with the server's answer. */
  finish(): Promise<Answer>;
  /** Resolves with how the request ended when it is never finished: the server dropped it. */
  readonly dropped: Promise<string>;
}

export interface GrpcAnswer {
  readonly grpcStatus: string | undefined;
  /** The response message, without gRPC's five-byte length prefix. */
  readonly message: Buffer;
}

/**
 * A unary gRPC call over plain HTTP/2, with half of the request message sent. Resolves once the
 * server has read the call's headers: a PING sent after them has come back, and HTTP/2 handles
 * frames in order.
 */
export async function halfSentGrpcCall(
  port: number,
  path: string,
  message: Uint8Array,
): Promise<HalfSentRequest<GrpcAnswer>> {
  const session = http2Connect(`http://127.0.0.1:${port}`);
  session.on('error', () => undefined);
  // A PING sent before the session is up is cancelled rather than queued.
  await new Promise<void>((resolve, reject) => {
    session.once('connect', () => resolve());
    session.once('error', reject);
  });
  const stream = session.request({
    ':method': 'POST',
    ':path': path,
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  const answer = grpcAnswer(stream).finally(() => session.close());
  answer.catch(() => undefined);

  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  const half = Math.floor(frame.length / 2);
  stream.write(frame.subarray(0, half));
  await new Promise<void>((resolve, reject) =>
    session.ping((error) => (error === null ? resolve() : reject(error))),
  );

  return {
    finish: async () => {
      stream.end(frame.subarray(half));
      return answer;
    },
    dropped: answer.then(
      (received) => `answered with grpc-status ${received.grpcStatus}`,
      (error: Error) => error.message,
    ),
  };
}

function grpcAnswer(stream: ClientHttp2Stream): Promise<GrpcAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let grpcStatus: string | undefined;
    const statusOf = (headers: Record<string, unknown>) => {
      const value = headers['grpc-status'];
      if (typeof value === 'string') grpcStatus = value;
    };
    stream.on('response', statusOf);
    stream.on('trailers', statusOf);
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', reject);
    stream.on('close', () => {
      if (grpcStatus === undefined) {
        reject(new Error(`stream closed without a gRPC status (code ${stream.rstCode})`));
        return;
      }
      resolve({ grpcStatus, message: Buffer.concat(chunks).subarray(5) });
    });
  });
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * An HTTP/1.1 POST with half of its body sent. With `Expect: 100-continue` the server says when
 * it has read the headers (Node answers 100 before it hands the request to Fastify), so this
 * resolves once the request is the server's.
 */
export async function halfSentHttpPost(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<HalfSentRequest<HttpAnswer>> {
  const bytes = Buffer.from(body);
  const request = httpRequest(url, {
    method: 'POST',
    headers: { ...headers, 'content-length': bytes.length, expect: '100-continue' },
  });

  const answer = new Promise<HttpAnswer>((resolve, reject) => {
    request.on('error', reject);
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      response.on('error', reject);
    });
  });
  answer.catch(() => undefined);

  await new Promise<void>((resolve, reject) => {
    request.once('continue', resolve);
    request.once('error', reject);
  });
  const half = Math.floor(bytes.length / 2);
  request.write(bytes.subarray(0, half));

  return {
    finish: async () => {
      request.end(bytes.subarray(half));
      return answer;
    },
    dropped: answer.then(
      (received) => `answered with status ${received.status}`,
      (error: Error) => error.message,
    ),
  };
}

/** Whether something accepts a new TCP connection on the loopback port now. */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
