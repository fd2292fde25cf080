/**
 * The route of a request as a metrics label: its path with each dynamic segment replaced by `[name]`, using the
 * params Next.js resolved for the route (`/api/nodes/42/snapshots` with `{ id: '42' }` → `/api/nodes/[id]/snapshots`).
 * Static segments are the route file's own (Next.js routed the request there), so labels stay a small fixed set
 * whatever paths clients send. A trailing slash is dropped.
 */
export function routeLabel(pathname: string, params: Record<string, string | string[] | undefined> = {}): string {
  const segments = pathname.replace(/\/+$/, '').split('/');
  let from = 1;
  for (const [name, value] of Object.entries(params)) {
    if (typeof value !== 'string') continue;
    const index = segments.findIndex((segment, i) => i >= from && safeDecode(segment) === value);
    if (index === -1) continue;
    segments[index] = `[${name}]`;
    from = index + 1;
  }
  return segments.join('/') || '/';
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
