import { ServerError, Status, type CallContext, type ServerMiddlewareCall } from 'nice-grpc-common';
import { Counter, Histogram, type Registry } from 'prom-client';

type CallLabels = 'grpc_service' | 'grpc_method' | 'grpc_code' | 'status_code';

/** Counts gRPC calls by method, gRPC status and the `status.code` they answered, and times them. */
export class GrpcMetrics {
  private readonly calls: Counter<CallLabels>;
  private readonly duration: Histogram<Exclude<CallLabels, 'grpc_code'>>;

  constructor(registry: Registry) {
    this.calls = new Counter({
      name: 'images_service_grpc_calls_total',
      help: 'gRPC calls answered, by method, gRPC status and the status.code of the Response',
      labelNames: ['grpc_service', 'grpc_method', 'grpc_code', 'status_code'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'images_service_grpc_call_duration_seconds',
      help: 'Time from a gRPC call arriving to its answer, by method and status.code',
      labelNames: ['grpc_service', 'grpc_method', 'status_code'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  /** `path` is `/Service/Method`; `statusCode` is empty for answers without a `status`. */
  observe(path: string, grpcCode: Status, statusCode: string, seconds: number): void {
    const [, service = '', method = ''] = path.split('/');
    const labels = { grpc_service: service, grpc_method: method, status_code: statusCode };
    this.calls.inc({ ...labels, grpc_code: Status[grpcCode] });
    this.duration.observe(labels, seconds);
  }
}

/** A server middleware that reports every call to `metrics` once it has been answered. */
export function grpcMetricsMiddleware(metrics: GrpcMetrics) {
  return async function* measured<Request, Response>(
    call: ServerMiddlewareCall<Request, Response>,
    context: CallContext,
  ): AsyncGenerator<Response, Response | void, undefined> {
    const startedAt = process.hrtime.bigint();
    let grpcCode = Status.OK;
    let statusCode = '';
    try {
      const response = yield* call.next(call.request, context);
      statusCode = catalogStatusCode(response);
      return response;
    } catch (error) {
      grpcCode = failureStatus(error);
      throw error;
    } finally {
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      // A call the client gave up on ends as CANCELLED for it, however the handler ended.
      const code = context.signal.aborted ? Status.CANCELLED : grpcCode;
      metrics.observe(call.method.path, code, statusCode, seconds);
    }
  };
}

/**
 * The `status.code` ImagesAPI answers carry (200, 404, 422, 500...): in `status` for List and
 * Find, the Response itself for Delete. Other services' answers have none.
 */
function catalogStatusCode(response: unknown): string {
  if (typeof response !== 'object' || response === null) return '';

  const nested = (response as { status?: unknown }).status;
  const status = typeof nested === 'object' && nested !== null ? nested : response;
  const { code, message } = status as { code?: unknown; message?: unknown };
  return typeof code === 'number' && typeof message === 'string' ? String(code) : '';
}

// nice-grpc answers a ServerError with its code, and anything else as UNKNOWN.
function failureStatus(error: unknown): Status {
  return error instanceof ServerError ? error.code : Status.UNKNOWN;
}
