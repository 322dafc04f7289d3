/**
 * Supplies the `Authorization` header for a registry request. The token server issue replaces
 * the anonymous default with tokens the service mints for itself.
 */
export interface RegistryAuthorizer {
  /** The header value for an access scope such as `repository:alice/app:delete`, or undefined. */
  authorization(scope: string): Promise<string | undefined>;
}

/** Sends no credentials: for registries without auth, as in the catalog-only tests. */
export const anonymousRegistryAccess: RegistryAuthorizer = {
  authorization: async () => undefined,
};
