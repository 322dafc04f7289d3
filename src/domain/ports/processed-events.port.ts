/**
 * The ids of registry events already applied, for the actions whose effect a repeat would
 * double (a pull count). Pushes and deletes need no ids: the catalog orders them by time.
 *
 * Every method rejects with the storage's own error when the store cannot be reached.
 */
export interface ProcessedEvents {
  /** Records `id` as processed at `at`; resolves to false when it was already recorded. */
  claim(id: string, at: Date): Promise<boolean>;

  /** Forgets a claim whose effect could not be stored, so that the registry's retry applies it. */
  release(id: string): Promise<void>;

  /** Forgets the ids claimed before `before`; resolves to how many. */
  prune(before: Date): Promise<number>;
}
