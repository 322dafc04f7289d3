import { ConfigError } from '../../src/application/config/config-error.js';
import { loadServiceConfig } from '../../src/application/config/service-config.js';

/** The problems loadServiceConfig reports for `env`; empty when it loads. */
export function configProblems(env: Record<string, string>): readonly string[] {
  try {
    loadServiceConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
