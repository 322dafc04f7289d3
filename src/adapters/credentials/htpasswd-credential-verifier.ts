import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

import bcrypt from 'bcryptjs';
import type { Logger } from 'pino';

import {
  CredentialStoreUnavailableError,
  type AccountStatus,
  type CredentialVerifier,
  type Verification,
} from '../../domain/ports/credential-verifier.port.js';
import type { Secret } from '../../domain/shared/secret.js';

export interface HtpasswdOptions {
  /** USERS_FILE: lines of `username:bcrypt-hash`, as `htpasswd -B` writes them. */
  readonly path: string;
  /** How often at most the file is checked for changes; 0 checks on every call. */
  readonly recheckIntervalMs: number;
}

interface FileVersion {
  readonly mtimeMs: number;
  readonly size: number;
  readonly ino: number;
}

/** Apache writes `$2y$`, others `$2a$` or `$2b$`: the same bcrypt, which bcryptjs reads. */
const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;
/** The cost of the stand-in hash when the file holds none to copy. */
const DEFAULT_COST = 10;

/**
 * Verifies passwords against an htpasswd file of bcrypt entries, for running without FogCore.
 * The file is read again when it changes, so accounts come and go without a restart. An
 * unknown user is checked against a stand-in hash of the file's highest cost, so that the
 * answer takes as long as for a known one.
 */
export class HtpasswdCredentialVerifier implements CredentialVerifier {
  // The file tells whether an account exists and which hash it has now.
  readonly checksStatusWithoutPassword = true;
  private entries = new Map<string, string>();
  private version: FileVersion | undefined;
  private dummyHash = '';
  private checkedAt = 0;
  private reloading: Promise<void> | undefined;

  private constructor(
    private readonly options: HtpasswdOptions,
    private readonly logger: Logger,
  ) {}

  /** Reads the file once; a file that cannot be read fails the start. */
  static async open(options: HtpasswdOptions, logger: Logger): Promise<HtpasswdCredentialVerifier> {
    const verifier = new HtpasswdCredentialVerifier(options, logger);
    const version = await verifier.statFile();
    await verifier.load(version);
    verifier.checkedAt = Date.now();
    return verifier;
  }

  async verify(username: string, password: Secret): Promise<Verification> {
    await this.refresh();
    const hash = this.entries.get(username);

    const matches = await bcrypt.compare(password.reveal(), hash ?? this.dummyHash);
    if (hash === undefined || !matches) return { valid: false };
    return { valid: true, account: { username, admin: false, revision: revision(username, hash) } };
  }

  async status(username: string): Promise<AccountStatus> {
    await this.refresh();
    const hash = this.entries.get(username);
    if (hash === undefined) return { status: 'gone' };
    return {
      status: 'active',
      account: { username, admin: false, revision: revision(username, hash) },
    };
  }

  /** The number of usable entries, for start-up logs. */
  get size(): number {
    return this.entries.size;
  }

  private async refresh(): Promise<void> {
    const now = Date.now();
    if (now - this.checkedAt < this.options.recheckIntervalMs) return;
    this.checkedAt = now;

    // Concurrent requests share one reload rather than each reading the file.
    this.reloading ??= this.reloadIfChanged().finally(() => (this.reloading = undefined));
    await this.reloading;
  }

  private async reloadIfChanged(): Promise<void> {
    let version: FileVersion;
    try {
      version = await this.statFile();
    } catch (error) {
      // Editors replace files by renaming: keep the last good accounts rather than lock all out.
      this.logger.warn(
        { err: error, path: this.options.path },
        'users file unreadable, keeping the last one read',
      );
      return;
    }

    const known = this.version;
    if (
      known !== undefined &&
      known.mtimeMs === version.mtimeMs &&
      known.size === version.size &&
      known.ino === version.ino
    ) {
      return;
    }
    try {
      await this.load(version);
    } catch (error) {
      this.logger.warn(
        { err: error, path: this.options.path },
        'users file unreadable, keeping the last one read',
      );
      return;
    }
    this.logger.info({ path: this.options.path, users: this.entries.size }, 'users file reloaded');
  }

  private async statFile(): Promise<FileVersion> {
    try {
      const { mtimeMs, size, ino } = await stat(this.options.path);
      return { mtimeMs, size, ino };
    } catch (error) {
      throw new CredentialStoreUnavailableError(
        `users file "${this.options.path}" cannot be read`,
        {
          cause: error,
        },
      );
    }
  }

  private async load(version: FileVersion): Promise<void> {
    const text = await readFile(this.options.path, 'utf8');
    const entries = new Map<string, string>();
    let cost = 0;

    text.split(/\r?\n/).forEach((line, index) => {
      if (line.trim() === '' || line.startsWith('#')) return;
      const colon = line.indexOf(':');
      const username = line.slice(0, colon);
      const hash = line.slice(colon + 1).trim();
      const bcryptCost = BCRYPT.exec(hash)?.[1];
      if (colon <= 0 || bcryptCost === undefined) {
        // The user stays out: MD5, SHA-1, crypt and plain entries are too weak to accept.
        this.logger.warn(
          { path: this.options.path, line: index + 1, username },
          'users file entry is not bcrypt, skipped',
        );
        return;
      }
      entries.set(username, hash);
      cost = Math.max(cost, Number(bcryptCost));
    });

    const dummyCost = cost === 0 ? DEFAULT_COST : cost;
    if (this.dummyHash === '' || bcrypt.getRounds(this.dummyHash) !== dummyCost) {
      this.dummyHash = await bcrypt.hash('no such user', dummyCost);
    }
    this.entries = entries;
    this.version = version;
  }
}

// Changes with the stored hash, and so with the password; the hash itself stays in the file.
function revision(username: string, hash: string): string {
  return createHash('sha256').update(`${username}:${hash}`).digest('base64url').slice(0, 16);
}
