import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import bcrypt from 'bcryptjs';

/** Who can log in to the stack's registry. */
export type StackUsers =
  | { readonly kind: 'demo'; readonly username: string; readonly password: string }
  | { readonly kind: 'users-file'; readonly path: string }
  | { readonly kind: 'users-service'; readonly address: string };

export const DEMO_USER = 'demo';

/**
 * The accounts the environment names (USERS_FILE or USERS_SERVICE_ADDR), else an htpasswd file
 * in `directory` with one demo user and a fresh password, which the stack prints.
 */
export async function stackUsers(env: NodeJS.ProcessEnv, directory: string): Promise<StackUsers> {
  const file = env['USERS_FILE'];
  if (file !== undefined && file !== '') return { kind: 'users-file', path: file };
  const address = env['USERS_SERVICE_ADDR'];
  if (address !== undefined && address !== '') return { kind: 'users-service', address };

  const password = randomBytes(12).toString('base64url');
  await writeFile(
    join(directory, 'users.htpasswd'),
    `${DEMO_USER}:${await bcrypt.hash(password, 10)}\n`,
    { mode: 0o600 },
  );
  return { kind: 'demo', username: DEMO_USER, password };
}

/** The service's variables for these users. */
export function usersEnvironment(users: StackUsers, directory: string): Record<string, string> {
  switch (users.kind) {
    case 'demo':
      return { USERS_FILE: join(directory, 'users.htpasswd') };
    case 'users-file':
      return { USERS_FILE: users.path };
    case 'users-service':
      return { USERS_SERVICE_ADDR: users.address };
  }
}
