import { unsubscribe } from '@/lib/alerts/subscriptions';
import { unsubscribeQuerySchema } from '@/lib/api/schemas';
import { getSql } from '@/lib/db/client';
import { readQuery, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function handle(request: Request): Promise<Response> {
  const { token } = readQuery(request, unsubscribeQuerySchema);
  const row = await unsubscribe(getSql(), token);
  const node = row.node_ip.includes(':') ? `[${row.node_ip}]:${row.node_port}` : `${row.node_ip}:${row.node_port}`;
  if ((request.headers.get('accept') ?? '').includes('text/html')) {
    return new Response(
      `<!doctype html><meta charset="utf-8"><title>Unsubscribed</title><p>You will no longer get ${escapeHtml(row.channel)} alerts for node ${escapeHtml(node)}.</p>`,
      { headers: { 'content-type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' } },
    );
  }
  return Response.json({ unsubscribed: true, subscription_id: row.id, node }, { headers: { 'Cache-Control': 'no-store' } });
}

/** GET /api/alerts/unsubscribe?token=: disables the subscription (HTML for browsers, JSON otherwise). */
export const GET = route(handle);
/** POST: RFC 8058 one-click unsubscribe from mail clients (List-Unsubscribe-Post). */
export const POST = route(handle);
