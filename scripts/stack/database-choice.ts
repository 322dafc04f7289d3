import { DryMongoBinary } from 'mongodb-memory-server';

import { isExecutableCommand } from './executables.js';

/** Which MongoDB-compatible server the stack runs the catalog on. */
export type DatabaseChoice =
  | { readonly kind: 'configured'; readonly uri: string }
  | { readonly kind: 'embedded'; readonly mongod: string | undefined }
  | { readonly kind: 'ferretdb'; readonly binary: string };

/**
 * MONGODB_URI when set; else the service's embedded MongoDB when a mongod binary is already on
 * this machine; else FerretDB, which scripts/setup.sh builds; else the embedded MongoDB all the
 * same, which then downloads its mongod (and fails without internet access).
 */
export async function chooseDatabase(env: NodeJS.ProcessEnv): Promise<DatabaseChoice> {
  const uri = env['MONGODB_URI'];
  if (uri !== undefined && uri !== '') return { kind: 'configured', uri };

  // The lookup mongodb-memory-server itself makes before it would download anything.
  const mongod = await DryMongoBinary.locateBinary(await DryMongoBinary.generateOptions());
  if (mongod !== undefined) return { kind: 'embedded', mongod };

  const ferretdb = env['FERRETDB_BIN'];
  if (ferretdb !== undefined && (await isExecutableCommand(ferretdb))) {
    return { kind: 'ferretdb', binary: ferretdb };
  }
  return { kind: 'embedded', mongod: undefined };
}

/** How the choice reads in the stack's output. */
export function describeDatabase(choice: DatabaseChoice, ferretdbUri?: string): string {
  switch (choice.kind) {
    case 'configured':
      return 'the server MONGODB_URI names';
    case 'embedded':
      return choice.mongod === undefined
        ? 'the embedded MongoDB, whose mongod is downloaded first (no mongod or FerretDB here)'
        : `the embedded MongoDB (${choice.mongod})`;
    case 'ferretdb':
      return `FerretDB on ${ferretdbUri ?? 'loopback'} (${choice.binary}; no mongod here)`;
  }
}
