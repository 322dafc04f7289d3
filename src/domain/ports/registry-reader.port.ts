/** The manifest a tag or digest resolves to, as the registry describes it. */
export interface ManifestDescription {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
}

/**
 * Reads what the Docker Registry holds, for reconciliation.
 *
 * An answer is complete or it is an error: a method that cannot read every page rejects with
 * RegistryUnavailableError (from registry-client.port.ts) and never resolves to part of a list.
 */
export interface RegistryReader {
  /** Every repository the registry lists in its catalog. */
  repositories(): Promise<string[]>;

  /** Every tag of the repository; empty when the registry does not know the repository. */
  tags(repository: string): Promise<string[]>;

  /** What `reference` (a tag or a digest) points at, or undefined when the registry lacks it. */
  describeManifest(repository: string, reference: string): Promise<ManifestDescription | undefined>;
}
