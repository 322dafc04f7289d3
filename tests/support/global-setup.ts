import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    mongodbUri: string;
  }
}

/**
 * Gives every test file a MongoDB-compatible server: MONGODB_URI when set (FerretDB in the
 * test stack), otherwise an embedded mongod from mongodb-memory-server.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const configured = process.env['MONGODB_URI'];
  if (configured !== undefined && configured !== '') {
    project.provide('mongodbUri', configured);
    return async () => undefined;
  }

  const { MongoMemoryServer } = await import('mongodb-memory-server');
  const server = await MongoMemoryServer.create();
  project.provide('mongodbUri', server.getUri());
  return async () => void (await server.stop());
}
