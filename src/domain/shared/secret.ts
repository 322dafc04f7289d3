import { inspect } from 'node:util';

/**
 * A value that must never be printed: a password, a token, a signing secret. Logging it, putting
 * it in JSON or interpolating it shows `***`; only `reveal()` hands out the value itself.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '***';
  }

  toJSON(): string {
    return '***';
  }

  [inspect.custom](): string {
    return 'Secret(***)';
  }
}
