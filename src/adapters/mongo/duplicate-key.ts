/** MongoDB's code for a write that a unique index refused. */
export const DUPLICATE_KEY = 11000;

/** Whether a write failed on a unique index, as MongoDB and FerretDB both report it. */
export function isDuplicateKey(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && 'code' in error && error.code === DUPLICATE_KEY
  );
}
