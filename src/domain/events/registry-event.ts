/**
 * Something the registry reports having done, as its notification said it, whatever the
 * envelope's version. Nothing here is judged yet: which fields an action needs, and whether
 * they are well formed, is the ingestion's business.
 */
export interface RegistryEvent {
  /** The registry's id for the event; every retry of one event carries the same id. */
  readonly id: string;
  /** `push`, `pull`, `delete` or `mount` today; anything a newer registry invents tomorrow. */
  readonly action: string;
  /** When the registry did it, by the registry's clock. */
  readonly occurredAt: Date;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
  readonly mediaType?: string;
  /** The size in bytes of the manifest or blob. */
  readonly size?: number;
  /** The User-Agent of the request that did it, such as `skopeo/1.9.3`. */
  readonly userAgent?: string;
}

/**
 * The manifest kinds a tag can point at: Docker's image manifest and manifest list, OCI's image
 * manifest and index. Pushes and pulls of anything else are blobs (layers, configs).
 */
export const MANIFEST_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
]);
