/** A listening address: `host:port`, with IPv6 hosts in brackets. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads typed values out of the environment and collects every problem, so that one failed
 * start reports all of them. Empty values count as unset.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Environment) {}

  optionalString(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.optionalString(name) ?? fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.optionalString(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    return this.reject(name, value, `expected one of ${allowed.join(', ')}`, fallback);
  }

  integer(name: string, fallback: number, range: { min: number; max: number }): number {
    const value = this.optionalString(name);
    if (value === undefined) return fallback;
    const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isSafeInteger(parsed) && parsed >= range.min && parsed <= range.max) return parsed;
    return this.reject(
      name,
      value,
      `expected an integer from ${range.min} to ${range.max}`,
      fallback,
    );
  }

  listenAddress(name: string, fallback: string): ListenAddress {
    const value = this.string(name, fallback);
    const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(value);
    const port = Number(match?.[2]);
    if (match === null || port > 65535) {
      return this.reject(name, value, 'expected host:port, such as 0.0.0.0:50050', {
        host: '',
        port: 0,
      });
    }
    return { host: (match[1] as string).replace(/^\[(.*)\]$/, '$1'), port };
  }

  url(name: string, fallback: string, protocols: readonly string[]): URL {
    const value = this.string(name, fallback);
    const parsed = URL.canParse(value) ? new URL(value) : undefined;
    if (parsed === undefined || !protocols.includes(parsed.protocol)) {
      const schemes = protocols.map((protocol) => protocol.replace(/:$/, '')).join(' or ');
      return this.reject(name, value, `expected a ${schemes} URL`, new URL(fallback));
    }
    return parsed;
  }

  /**
   * A short interval written `<n>ms` or `<n>s` (`0` where the range starts at 0), in
   * milliseconds: where sub-second settings make sense, such as polling and caching.
   */
  milliseconds(name: string, fallback: number, range: { min: number; max: number }): number {
    const value = this.optionalString(name);
    if (value === undefined) return fallback;

    const match = /^(\d{1,6})(ms|s)$/.exec(value);
    const ms =
      value === '0'
        ? 0
        : match === null
          ? Number.NaN
          : Number(match[1]) * (match[2] === 's' ? 1000 : 1);
    if (ms >= range.min && ms <= range.max) return ms;
    return this.reject(
      name,
      value,
      `expected an interval such as 250ms or 2s, from ${interval(range.min)} to ${interval(range.max)}`,
      fallback,
    );
  }

  /** Records a problem that only the caller can judge, such as a rule across two variables. */
  reject<T>(name: string, value: string, expectation: string, placeholder: T): T {
    this.problems.push(`${name}="${value}": ${expectation}`);
    return placeholder;
  }
}

function interval(ms: number): string {
  return ms % 1000 === 0 && ms > 0 ? `${ms / 1000}s` : `${ms}ms`;
}
