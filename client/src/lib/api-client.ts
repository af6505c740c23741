/** fetch wrapper: JSON in and out, errors returned as values (never global redirects mid-exam). */
import type { ErrorBody } from '../../../shared/errors.ts';

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ErrorBody; status: number };

export async function api<T>(method: string, url: string, body?: unknown): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, error: { code: 'INTERNAL', message: 'The server cannot be reached. Check the network connection.' } };
  }
  const json = (await res.json().catch(() => ({}))) as Partial<ErrorBody>;
  if (res.ok) return { ok: true, data: json as T };
  const error: ErrorBody = { ...json, code: json.code ?? 'INTERNAL', message: json.message ?? `The server answered ${res.status}.` };
  return { ok: false, status: res.status, error };
}
