import { authConfig } from '../../lib/auth/config';
import { signLocalToken } from '../../lib/auth/tokens';
import type { Sql } from '../../lib/db/client';

/** A profile with a local session token (as POST /api/auth/signin would issue). */
export async function createTestUser(
  sql: Sql,
  email: string,
  role: 'user' | 'admin' = 'user',
): Promise<{ id: string; email: string; token: string }> {
  const [row] = await sql<{ id: string }[]>`insert into profiles (email, role) values (${email}, ${role}) returning id`;
  const { token } = await signLocalToken(sql, authConfig({}), { id: row!.id, email, role });
  return { id: row!.id, email, token };
}

export function authed(url: string, token: string, init: RequestInit = {}): Request {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  return new Request(new URL(url, 'http://127.0.0.1:3000'), { ...init, headers });
}

export function params<T extends Record<string, string>>(value: T): { params: Promise<T> } {
  return { params: Promise.resolve(value) };
}

/** Inserts a node and returns its id. */
export async function insertNode(
  sql: Sql,
  values: { ip: string; port?: number; status?: string; protocol_version?: number; user_agent?: string; tier?: string | null },
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into nodes (ip, port, status, protocol_version, user_agent, tier)
    values (${values.ip}, ${values.port ?? 8333}, ${values.status ?? 'up'}, ${values.protocol_version ?? 70016},
      ${values.user_agent ?? '/Satoshi:27.0.0/'}, ${values.tier ?? null})
    returning id::text as id`;
  return row!.id;
}
