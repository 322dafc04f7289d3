import type { CallContext, ServiceImplementation } from 'nice-grpc';
import { ServerReflection, type ServerReflectionService } from 'nice-grpc-server-reflection';
// Types only: Node's ESM loader cannot see this CommonJS module's named exports.
import type {
  ServerReflectionRequest,
  ServerReflectionResponse,
} from 'nice-grpc-server-reflection/lib/proto/grpc/reflection/v1/reflection_pb.js';

type ReflectionImplementation = ServiceImplementation<typeof ServerReflectionService>;

/**
 * nice-grpc-server-reflection (3.0.3) for a .proto without a package, such as images_api.proto,
 * whose package FogCore's clients forbid. The library names the symbols of such a file with a
 * leading dot (".ImagesAPI"), so a client asking for "ImagesAPI" is told it does not exist.
 * A symbol lookup that fails is therefore asked again with the dot, and the answer is given for
 * the client's own request. Once the library names them right, the first lookup succeeds.
 */
export function packageFreeServerReflection(
  protoset: Uint8Array,
  serviceNames: readonly string[],
): ReflectionImplementation {
  const library = ServerReflection(protoset, serviceNames);
  const answer = (request: ServerReflectionRequest, context: CallContext) =>
    firstOf(library.serverReflectionInfo(only(request), context));

  return {
    async *serverReflectionInfo(requests, context) {
      for await (const request of requests) {
        const response = await answer(request, context);
        const symbol = request.getFileContainingSymbol();
        const missed =
          request.hasFileContainingSymbol() &&
          response.hasErrorResponse() &&
          !symbol.startsWith('.');
        if (!missed) {
          yield response;
          continue;
        }

        const dotted = (request.clone() as ServerReflectionRequest).setFileContainingSymbol(
          `.${symbol}`,
        );
        const retried = await answer(dotted, context);
        yield retried.hasErrorResponse() ? response : retried.setOriginalRequest(request);
      }
    },
  };
}

async function* only<T>(item: T): AsyncGenerator<T> {
  yield item;
}

async function firstOf(
  responses: AsyncIterable<ServerReflectionResponse>,
): Promise<ServerReflectionResponse> {
  for await (const response of responses) return response;
  throw new Error('server reflection answered a request with nothing');
}
