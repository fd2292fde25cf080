import { unsubscribe } from '@/lib/alerts/subscriptions';
import { unsubscribeQuerySchema } from '@/lib/api/schemas';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { readQuery, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function handle(request: Request): Promise<Response> {
  const { token } = readQuery(request, unsubscribeQuerySchema);
  const result = await unsubscribe(getSql(), token);
  const { ip, port } = result.nodeInfo;
  const node = ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
  if ((request.headers.get('accept') ?? '').includes('text/html')) {
    return new Response(
      `<!doctype html><meta charset="utf-8"><title>Unsubscribed</title><p>You will no longer get email alerts for node ${escapeHtml(node)}.</p>`,
      { headers: { 'content-type': 'text/html; charset=utf-8' } },
    );
  }
  return Response.json(result);
}

/** GET /api/alerts/unsubscribe?token=: turns email alerts off → {success, message, nodeInfo:{ip, port}} (HTML for browsers). */
const getHandler = route(handle);
/** POST: RFC 8058 one-click unsubscribe from mail clients (List-Unsubscribe-Post). */
const postHandler = route(handle);

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: getHandler, POST: postHandler });
