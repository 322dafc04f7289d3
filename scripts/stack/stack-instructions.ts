import type { StackUsers } from './stack-users.js';

export interface StackAddresses {
  /** `127.0.0.1:5000` */
  readonly registryHost: string;
  readonly registryVersion: string;
  /** `127.0.0.1:50050` */
  readonly grpcAddress: string;
  /** `http://127.0.0.1:5002` */
  readonly httpUrl: string;
  readonly database: string;
  readonly logDirectory: string;
}

/** What the stack prints once everything listens: where things are and how to use them. */
export function stackInstructions(
  addresses: StackAddresses,
  users: StackUsers,
  /** How to run grpcurl here; undefined when it is not installed. */
  grpcurl: string | undefined,
): string {
  const { registryHost, grpcAddress } = addresses;
  const registryPort = registryHost.split(':').pop() as string;
  const [user, password] =
    users.kind === 'demo' ? [users.username, users.password] : ['<user>', '<password>'];
  const image = `${user}/hello:latest`;

  const lines = [
    `registry ${addresses.registryVersion}: http://${registryHost} (deploy/registry/config.yml)`,
    `images service: gRPC ${grpcAddress}, HTTP ${addresses.httpUrl}`,
    `catalog database: ${addresses.database}`,
    `logs: ${addresses.logDirectory}`,
    '',
    accountLine(users),
    '',
    'Push an image with skopeo:',
    `  skopeo copy --dest-tls-verify=false --dest-creds '${user}:${password}' \\`,
    `    docker://docker.io/library/alpine:latest docker://${registryHost}/${image}`,
    '',
    'or with docker (localhost registries need no TLS):',
    `  docker login localhost:${registryPort} -u ${user}`,
    `  docker tag alpine:latest localhost:${registryPort}/${image}`,
    `  docker push localhost:${registryPort}/${image}`,
    '',
    'See it in the catalog:',
    `  ${grpcurl ?? 'grpcurl'} -plaintext -d '{"username":"${user}"}' ${grpcAddress} ImagesAPI/List`,
    `  ${grpcurl ?? 'grpcurl'} -plaintext -d '{"name":"${image}"}' ${grpcAddress} ImagesAPI/Find`,
  ];
  if (grpcurl === undefined)
    lines.push('  (grpcurl is not installed here: scripts/setup.sh builds it)');
  lines.push('', "Ctrl-C stops everything and removes the stack's files.");
  return lines.join('\n');
}

function accountLine(users: StackUsers): string {
  switch (users.kind) {
    case 'demo':
      return `user: ${users.username}  password: ${users.password}  (generated for this run)`;
    case 'users-file':
      return `users: the accounts of USERS_FILE (${users.path})`;
    case 'users-service':
      return `users: the accounts of the Users Service at ${users.address}`;
  }
}
