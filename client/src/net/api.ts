// fetch wrapper for the Sightline HTTP API: JSON in/out, bearer token, typed errors.
import { SightlineError, toCode } from './errors.ts';

export type { MediaCapabilitiesResponse } from '../../../signaling/protocol/http.ts';

let authToken: string | null = null;

/** Set (or clear) the session token sent as `Authorization: Bearer`. */
export function setAuthToken(token: string | null): void {
  authToken = token;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

export async function apiRequest<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (authToken) headers.Authorization = `Bearer ${authToken}`;

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (error) {
    throw new SightlineError('NETWORK', error instanceof Error ? error.message : 'fetch failed');
  }

  const text = await response.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      if (response.ok) throw new SightlineError('UNKNOWN', `Invalid JSON from ${path}`, response.status);
    }
  }
  if (!response.ok) {
    const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const message = typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`;
    throw new SightlineError(toCode(error?.code), message, response.status);
  }
  return json as T;
}

export const api = {
  get: <T>(path: string) => apiRequest<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => apiRequest<T>('POST', path, body),
  patch: <T>(path: string, body: unknown) => apiRequest<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => apiRequest<T>('PUT', path, body),
  delete: <T = unknown>(path: string) => apiRequest<T>('DELETE', path),
};

/** Tagged template for API paths: every interpolated value is URL-encoded (`apiPath\`/api/grants/${id}/revoke\``). */
export function apiPath(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  return strings.reduce((path, part, i) => path + part + (i < values.length ? encodeURIComponent(String(values[i])) : ''), '');
}
