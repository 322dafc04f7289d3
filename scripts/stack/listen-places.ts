import { ConfigError } from '../../src/application/config/config-error.js';
import { EnvReader, type ListenAddress } from '../../src/application/config/env-reader.js';

export type ListenPlaces = Record<'GRPC_ADDR' | 'HTTP_ADDR' | 'REGISTRY_URL', ListenAddress>;

/**
 * Where the stack's servers listen: the service's own variables, read as the service reads
 * them but with loopback defaults. Throws ConfigError naming each bad variable and value.
 */
export function listenPlaces(env: NodeJS.ProcessEnv): ListenPlaces {
  const reader = new EnvReader(env);
  const grpc = reader.listenAddress('GRPC_ADDR', '127.0.0.1:50050');
  const http = reader.listenAddress('HTTP_ADDR', '127.0.0.1:5002');
  const registryUrl = reader.url('REGISTRY_URL', 'http://127.0.0.1:5000', ['http:']);
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);

  return {
    GRPC_ADDR: grpc,
    HTTP_ADDR: http,
    REGISTRY_URL: { host: registryUrl.hostname, port: Number(registryUrl.port || 80) },
  };
}

/** `host:port` for a listen variable, IPv6 hosts in brackets. */
export function listenAddress(place: ListenAddress): string {
  return place.host.includes(':') ? `[${place.host}]:${place.port}` : `${place.host}:${place.port}`;
}

/** The host to connect to for a listener: a wildcard host means this machine. */
export function connectHost(place: ListenAddress): string {
  return place.host === '0.0.0.0' || place.host === '::' ? '127.0.0.1' : place.host;
}

/** `host:port` to connect to, as clients and printed commands name it. */
export function connectAddress(place: ListenAddress): string {
  return listenAddress({ host: connectHost(place), port: place.port });
}
