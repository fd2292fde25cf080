/** Browser-side calls to the account endpoints (same origin, session cookie). */
export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; message: string };

export async function callApi<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? 'GET',
      headers: init.body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    return { ok: false, status: 0, message: 'The server could not be reached. Check your connection and try again.' };
  }
  const payload = (await response.json().catch(() => null)) as (T & { error?: string; details?: string }) | null;
  if (response.ok) return { ok: true, status: response.status, data: payload as T };
  const message = payload?.details || payload?.error || `Request failed (${response.status})`;
  return { ok: false, status: response.status, message };
}
