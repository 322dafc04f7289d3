import { formatScope, parseScope, type ResourceScope } from '../../domain/auth/resource-scope.js';
import type { Clock } from '../../domain/ports/clock.port.js';
import type { TokenSigner } from '../../domain/ports/token-signer.port.js';
import type { RegistryAuthorizer } from './registry-authorizer.js';

export interface SignedTokenOptions {
  readonly issuer: string;
  readonly service: string;
  readonly ttlSeconds: number;
  /** `sub` of the service's own tokens, as the registry's logs show it. */
  readonly subject: string;
  /** A bound on the cache: one entry per repository the service touched recently. */
  readonly maxEntries: number;
}

interface CachedToken {
  readonly header: Promise<string>;
  readonly renewAt: number;
}

/** Renew this long before expiry at the least, so that a slow request never carries a dead token. */
const MIN_MARGIN_SECONDS = 30;
const NOT_BEFORE_SKEW_SECONDS = 10;

/**
 * Authorizes the service's own registry calls with tokens it signs itself, as its token server
 * would for an all-powerful client. A repository gets `pull,delete` (everything the catalog
 * asks of it, one token for both), `registry:catalog:*` stays itself. Tokens are cached per
 * resource until shortly before they expire.
 */
export class SignedTokenRegistryAuthorizer implements RegistryAuthorizer {
  private readonly cache = new Map<string, CachedToken>();

  constructor(
    private readonly signer: TokenSigner,
    private readonly clock: Clock,
    private readonly options: SignedTokenOptions,
  ) {}

  async authorization(scope: string): Promise<string | undefined> {
    const access = accessFor(scope);
    const key = formatScope(access);
    const now = this.clock.now().getTime();

    const cached = this.cache.get(key);
    if (cached !== undefined && cached.renewAt > now) return cached.header;

    const entry = this.mint(access, now);
    this.cache.delete(key);
    this.cache.set(key, entry);
    if (this.cache.size > this.options.maxEntries) {
      const oldest = this.cache.keys().next();
      if (oldest.done !== true) this.cache.delete(oldest.value);
    }
    // A failed signature must not stay cached.
    entry.header.catch(() => this.cache.get(key) === entry && this.cache.delete(key));
    return entry.header;
  }

  private mint(access: ResourceScope, now: number): CachedToken {
    const { issuer, service, ttlSeconds, subject } = this.options;
    const issuedAt = new Date(Math.floor(now / 1000) * 1000);
    const expiresAt = new Date(issuedAt.getTime() + ttlSeconds * 1000);
    const margin = Math.max(MIN_MARGIN_SECONDS, ttlSeconds / 5) * 1000;

    const header = this.signer
      .signAccessToken({
        issuer,
        subject,
        audience: service,
        issuedAt,
        notBefore: new Date(issuedAt.getTime() - NOT_BEFORE_SKEW_SECONDS * 1000),
        expiresAt,
        access: [access],
      })
      .then((token) => `Bearer ${token}`);
    return { header, renewAt: expiresAt.getTime() - margin };
  }
}

// The service's clients name scopes it wrote itself: a malformed one is a programming error.
function accessFor(scope: string): ResourceScope {
  const parsed = parseScope(scope);
  if (!parsed.ok)
    throw new Error(`registry authorizer got a malformed scope: ${parsed.error.message}`);

  const { type, name } = parsed.value;
  if (type === 'repository') return { type, name, actions: ['pull', 'delete'] };
  return parsed.value;
}
