import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadOrGenerateSigningKey } from '../../../src/adapters/token/generated-signing-key.js';
import { JoseTokenSigner } from '../../../src/adapters/token/jose-token-signer.js';
import type { SigningKey } from '../../../src/adapters/token/signing-key.js';
import { RegistryServer, type RegistryTokenAuth } from '../../support/registry.js';

let directory: string;
let key: SigningKey;
let signer: JoseTokenSigner;
let jwksPath: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'registry-jwks-'));
  ({ key } = await loadOrGenerateSigningKey(directory));
  signer = new JoseTokenSigner(key, { kidFormat: 'jwk-thumbprint', issuer: 'auth.docker.com' });
  jwksPath = join(directory, 'jwks.json');
  // The document GET /.well-known/jwks.json serves.
  await writeFile(jwksPath, JSON.stringify(await signer.jwks()));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function statusWith(auth: Omit<RegistryTokenAuth, 'realm' | 'service' | 'issuer'>) {
  const registry = await RegistryServer.start({
    version: '3',
    auth: {
      token: {
        realm: 'http://127.0.0.1:1/auth',
        service: 'registry.docker.com',
        issuer: 'auth.docker.com',
        ...auth,
      },
    },
  });
  try {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const token = await signer.signAccessToken({
      issuer: 'auth.docker.com',
      subject: 'alice',
      audience: 'registry.docker.com',
      issuedAt: now,
      notBefore: now,
      expiresAt: new Date(now.getTime() + 300_000),
      access: [],
    });
    const response = await fetch(`${registry.url}/v2/`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return response.status;
  } finally {
    await registry.dispose();
  }
}

describe("registry 3's jwks option with the service's JWKS document", () => {
  it('accepts the tokens next to rootcertbundle', async () => {
    expect(await statusWith({ rootcertbundle: key.certificatePath, jwks: jwksPath })).toBe(200);
  });

  it('refuses them alone, since their x5c needs a root to chain to', async () => {
    expect(await statusWith({ jwks: jwksPath })).toBe(401);
  });
});
