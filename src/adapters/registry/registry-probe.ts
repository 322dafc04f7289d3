import { SERVICE_USER_AGENT } from './registry-http.js';

/**
 * Whether the registry answers its API version check, `GET /v2/`, within `timeoutMs`. A 200,
 * or a 401 from a registry that wants a token first, means it is up; any other answer, or none,
 * means down. Never throws: readiness reports it, nothing depends on it.
 */
export async function registryAnswers(baseUrl: URL, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(new URL('/v2/', baseUrl), {
      headers: { 'user-agent': SERVICE_USER_AGENT },
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Read the body so that the connection goes back to the pool.
    await response.arrayBuffer();
    return response.status === 200 || response.status === 401;
  } catch {
    return false;
  }
}
