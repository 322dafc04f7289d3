import { fileURLToPath } from 'node:url';

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const BASELINE = fileURLToPath(
  new URL('../../contract/baseline/images_api.proto', import.meta.url),
);

type Unary = (
  request: object,
  callback: (error: grpc.ServiceError | null, response: unknown) => void,
) => void;

/**
 * A client built at run time from the frozen contract in contract/baseline, as FogCore's Python
 * clients were generated from it: it knows nothing of this service's later fields.
 */
export class BaselineClient {
  private readonly client: grpc.Client & Record<'List' | 'Find' | 'Delete', Unary>;

  constructor(port: number) {
    const definition = protoLoader.loadSync(BASELINE, { longs: Number, defaults: true });
    const ImagesAPI = grpc.loadPackageDefinition(definition)[
      'ImagesAPI'
    ] as grpc.ServiceClientConstructor;
    this.client = new ImagesAPI(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as never;
  }

  call(method: 'List' | 'Find' | 'Delete', request: object): Promise<unknown> {
    return new Promise((resolve, reject) =>
      this.client[method](request, (error, response) =>
        error ? reject(error) : resolve(response),
      ),
    );
  }

  close(): void {
    this.client.close();
  }
}
