import { createServer, type Server } from 'nice-grpc';

import type { User } from '../../generated/images_api.js';
import {
  UsersAPIDefinition,
  type ResponseWithUser,
  type UsersAPIServiceImplementation,
} from '../../generated/users_api.js';

interface UserRecord {
  readonly password: string;
  readonly admin: boolean;
}

/**
 * A small FogCore Users Service on a free loopback port, implementing users_api.proto as the
 * issue describes it: 200 with the user, 401 for wrong credentials, 422 for missing fields.
 */
export class FakeUsersService {
  private readonly users = new Map<string, UserRecord>();
  /** The usernames Verify was called with, in order. */
  readonly calls: string[] = [];
  /** Set to answer every call with this code instead, as a broken service would. */
  forcedCode: number | undefined;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on `port`, or a free one: pass the port of a stopped instance to bring it back. */
  static async start(port = 0): Promise<FakeUsersService> {
    const server = createServer();
    let instance: FakeUsersService | undefined;
    const implementation: UsersAPIServiceImplementation = {
      verify: async (request) => (instance as FakeUsersService).answer(request),
    };
    server.add(UsersAPIDefinition, implementation);
    instance = new FakeUsersService(server, await server.listen(`127.0.0.1:${port}`));
    return instance;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  add(username: string, password: string, admin = false): this {
    this.users.set(username, { password, admin });
    return this;
  }

  remove(username: string): void {
    this.users.delete(username);
  }

  async stop(): Promise<void> {
    this.server.forceShutdown();
  }

  private answer(request: User): ResponseWithUser {
    this.calls.push(request.username);
    const status = (code: number, message: string) => ({
      code,
      message,
      reason: '',
      detail: '',
      requestId: '',
    });

    if (this.forcedCode !== undefined) {
      return { status: status(this.forcedCode, 'forced'), user: undefined };
    }
    if (request.username === '' || request.password === '') {
      return { status: status(422, 'Username and password are required.'), user: undefined };
    }
    const user = this.users.get(request.username);
    if (user === undefined || user.password !== request.password) {
      return { status: status(401, 'Invalid username or password.'), user: undefined };
    }
    return {
      status: status(200, 'OK'),
      user: {
        username: request.username,
        password: '',
        firstName: '',
        lastName: '',
        admin: user.admin,
        pageSize: 0,
        pageToken: '',
      },
    };
  }
}
