// Downloads an export (CSV or JSON) of the audit API: the request needs the session's bearer
// token, so it is fetched and handed to the browser as a blob rather than followed as a link.
import { SightlineError, toCode } from '../../net/errors.ts';

function filenameFrom(disposition: string | null, fallback: string): string {
  const match = /filename="([^"]+)"/.exec(disposition ?? '');
  return match?.[1] ?? fallback;
}

export async function downloadExport(path: string, token: string, fallbackName: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { Authorization: `Bearer ${token}` }, credentials: 'omit', cache: 'no-store' });
  } catch (error) {
    throw new SightlineError('NETWORK', error instanceof Error ? error.message : 'fetch failed');
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { code?: unknown; message?: unknown } } | null;
    throw new SightlineError(toCode(body?.error?.code), String(body?.error?.message ?? `HTTP ${response.status}`), response.status);
  }
  const name = filenameFrom(response.headers.get('content-disposition'), fallbackName);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
