/** Why a reconciliation changed nothing at all. */
export type ReconcileErrorCode = 'REGISTRY_UNREADABLE';

export class ReconcileError extends Error {
  override readonly name = 'ReconcileError';

  constructor(
    readonly code: ReconcileErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The registry's catalog could not be read to the end: without it, nothing may be removed. */
export function registryUnreadable(cause: unknown): ReconcileError {
  const reason = cause instanceof Error ? `: ${cause.message}` : '';
  return new ReconcileError(
    'REGISTRY_UNREADABLE',
    `the registry's repository list could not be read${reason}`,
    { cause },
  );
}
