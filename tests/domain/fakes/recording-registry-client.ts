import type { RegistryClient } from '../../../src/domain/ports/registry-client.port.js';

/** A RegistryClient that records what it was asked to delete, or fails as told. */
export class RecordingRegistryClient implements RegistryClient {
  readonly deletedRepositories: string[] = [];
  readonly deletedTags: string[] = [];

  /** Set to make every call reject with it. */
  failure: Error | undefined;

  async deleteRepository(repository: string): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    this.deletedRepositories.push(repository);
  }

  async deleteTag(repository: string, tag: string): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    this.deletedTags.push(`${repository}:${tag}`);
  }
}
