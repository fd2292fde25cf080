import type { Sql } from '../db/client';
import { HttpError } from '../http/http-error';

/**
 * The one pattern for every per-user quota (registrations per hour, alert subscriptions,
 * active API keys): count and insert inside one transaction that first locks the user's
 * profiles row (`SELECT … FOR UPDATE`). Concurrent requests of the same user queue on that
 * row lock, so each one counts what the previous ones inserted and the maximum holds;
 * other users are not blocked. Work that must not hold a transaction open (a node probe)
 * inserts a reservation row here and completes it afterwards, so it counts while it runs.
 */
export async function withUserQuotaLock<T>(sql: Sql, userId: string, work: (tx: Sql) => Promise<T>): Promise<T> {
  const result = await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const [profile] = await t`select id from profiles where id = ${userId} for update`;
    if (!profile) throw new HttpError(401, 'Unauthorized', 'The signed-in user no longer exists.');
    return work(t);
  });
  return result as T;
}
