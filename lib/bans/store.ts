import { audit } from '../admin/audit';
import { addressKey } from '../crawler/types';
import type { Sql } from '../db/client';
import { conflict, notFound } from '../http/http-error';
import type { CreateBanInput, ListBansQuery, PublicBansQuery } from './schemas';
import { refreshNodeLists } from './apply';

/** One entry of the ban/hide list as admins see it (camelCase, like the other admin routes). */
export interface BanView {
  id: string;
  action: 'ban' | 'hide';
  targetType: 'node' | 'cidr' | 'asn';
  /** "203.0.113.5:8333", "203.0.113.0/24" or "AS64496". */
  target: string;
  reason: string;
  createdAt: string;
  expiresAt: string | null;
  liftedAt: string | null;
  /** active, expired or lifted. */
  status: 'active' | 'expired' | 'lifted';
  createdBy: { id: string; email: string } | null;
  liftedBy: { id: string; email: string } | null;
}

/** The public view (GET /api/banned): the entry and its reason, nothing about who made it. */
export interface PublicBanView {
  id: string;
  action: 'ban' | 'hide';
  target_type: 'node' | 'cidr' | 'asn';
  target: string;
  reason: string;
  since: string;
  expires_at: string | null;
}

interface BanRow {
  id: string;
  action: 'ban' | 'hide';
  target_type: 'node' | 'cidr' | 'asn';
  ip: string | null;
  port: number | null;
  cidr: string | null;
  asn: string | null;
  reason: string;
  created_at: Date;
  expires_at: Date | null;
  lifted_at: Date | null;
  created_by: string | null;
  created_by_email: string | null;
  lifted_by: string | null;
  lifted_by_email: string | null;
}

export function banTarget(row: Pick<BanRow, 'target_type' | 'ip' | 'port' | 'cidr' | 'asn'>): string {
  if (row.target_type === 'node') return addressKey({ host: row.ip!, port: row.port! });
  if (row.target_type === 'cidr') return row.cidr!;
  return `AS${row.asn}`;
}

function banStatus(row: BanRow, now: Date): BanView['status'] {
  if (row.lifted_at) return 'lifted';
  return row.expires_at && row.expires_at <= now ? 'expired' : 'active';
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

function presentBan(row: BanRow, now: Date): BanView {
  return {
    id: String(row.id),
    action: row.action,
    targetType: row.target_type,
    target: banTarget(row),
    reason: row.reason,
    createdAt: row.created_at.toISOString(),
    expiresAt: iso(row.expires_at),
    liftedAt: iso(row.lifted_at),
    status: banStatus(row, now),
    createdBy: row.created_by ? { id: row.created_by, email: row.created_by_email ?? '' } : null,
    liftedBy: row.lifted_by ? { id: row.lifted_by, email: row.lifted_by_email ?? '' } : null,
  };
}

const BAN_SELECT = (sql: Sql) => sql`
  select b.id::text as id, b.action, b.target_type, b.ip, b.port, b.cidr::text as cidr, b.asn::text as asn, b.reason,
         b.created_at, b.expires_at, b.lifted_at, b.created_by, c.email as created_by_email, b.lifted_by, l.email as lifted_by_email
  from node_bans b left join profiles c on c.id = b.created_by left join profiles l on l.id = b.lifted_by`;

/** Where an entry applies now: not lifted, not expired. */
const ACTIVE = (sql: Sql) => sql`b.lifted_at is null and (b.expires_at is null or b.expires_at > now())`;

/** The node a `node` target names: an address as given, or the address of the node with that id (404 when unknown). */
async function resolveNodeTarget(sql: Sql, ref: NonNullable<CreateBanInput['node']>): Promise<{ ip: string; port: number }> {
  if (ref.kind === 'address') return { ip: ref.ip, port: ref.port };
  const [node] = await sql<{ ip: string; port: number }[]>`select ip, port from nodes where id = ${ref.id}::bigint`;
  if (!node) throw notFound('Node');
  return node;
}

/**
 * Adds an entry (audited in the same transaction) and brings the nodes' flags in step at once,
 * so the node leaves every public list and total before the answer. Returns the entry and how
 * many nodes changed state.
 */
export async function createBan(sql: Sql, actorId: string, input: CreateBanInput): Promise<{ ban: BanView; affectedNodes: number }> {
  const node = input.node ? await resolveNodeTarget(sql, input.node) : null;
  const targetType = node ? 'node' : input.cidr ? 'cidr' : 'asn';
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    // One active entry per action and target: a second one would only muddle lifting.
    await t`select pg_advisory_xact_lock(hashtext('peerscope:node_bans'))`;
    const [duplicate] = await t<{ id: string }[]>`
      select b.id::text as id from node_bans b
      where ${ACTIVE(t)} and b.action = ${input.action} and b.target_type = ${targetType}
        and b.ip is not distinct from ${node?.ip ?? null} and b.port is not distinct from ${node?.port ?? null}::int
        and b.cidr is not distinct from ${input.cidr ?? null}::cidr and b.asn is not distinct from ${input.asn ?? null}::bigint
      limit 1`;
    if (duplicate) throw conflict(`An active ${input.action} of this target exists already (id ${duplicate.id}); lift it first to change it.`);
    const [inserted] = await t<{ id: string }[]>`
      insert into node_bans (action, target_type, ip, port, cidr, asn, reason, created_by, expires_at)
      values (${input.action}, ${targetType}, ${node?.ip ?? null}, ${node?.port ?? null}, ${input.cidr ?? null}::cidr,
              ${input.asn ?? null}, ${input.reason}, ${actorId}, ${input.expiresAt ? new Date(input.expiresAt) : null})
      returning id::text as id`;
    const [row] = await t<BanRow[]>`${BAN_SELECT(t)} where b.id = ${inserted!.id}::bigint`;
    const ban = presentBan(row!, new Date());
    await audit(t, actorId, `node_list.${input.action}`, { type: 'node_ban', id: ban.id }, {
      target: ban.target,
      targetType: ban.targetType,
      reason: ban.reason,
      expiresAt: ban.expiresAt,
    });
    const affectedNodes = await refreshNodeLists(t);
    return { ban, affectedNodes };
  });
}

/** Lifts an active entry (audited); 404 when there is no such entry or it no longer applies. */
export async function liftBan(sql: Sql, actorId: string, id: string): Promise<{ ban: BanView; affectedNodes: number }> {
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const [lifted] = await t<{ id: string }[]>`
      update node_bans b set lifted_at = now(), lifted_by = ${actorId}
      where b.id = ${id}::bigint and ${ACTIVE(t)}
      returning b.id::text as id`;
    if (!lifted) throw notFound('Active ban');
    const [row] = await t<BanRow[]>`${BAN_SELECT(t)} where b.id = ${id}::bigint`;
    const ban = presentBan(row!, new Date());
    await audit(t, actorId, 'node_list.lift', { type: 'node_ban', id }, { target: ban.target, action: ban.action, reason: ban.reason });
    const affectedNodes = await refreshNodeLists(t);
    return { ban, affectedNodes };
  });
}

/** GET /api/admin/bans: newest first, paged, filtered by status and action. */
export async function listBans(sql: Sql, query: ListBansQuery, now: Date = new Date()) {
  const status =
    query.status === 'active'
      ? ACTIVE(sql)
      : query.status === 'lifted'
        ? sql`b.lifted_at is not null`
        : query.status === 'expired'
          ? sql`b.lifted_at is null and b.expires_at <= now()`
          : sql`true`;
  const action = query.action ? sql`b.action = ${query.action}` : sql`true`;
  const offset = (query.page - 1) * query.limit;
  const [rows, [count]] = await Promise.all([
    sql<BanRow[]>`${BAN_SELECT(sql)} where ${status} and ${action} order by b.id desc limit ${query.limit} offset ${offset}`,
    sql<{ total: number }[]>`select count(*)::int as total from node_bans b where ${status} and ${action}`,
  ]);
  const total = count?.total ?? 0;
  return {
    bans: rows.map((row) => presentBan(row, now)),
    pagination: { page: query.page, limit: query.limit, total, pages: Math.ceil(total / query.limit) },
  };
}

/** GET /api/banned: the active entries with their reasons; who made them is never shown. */
export async function listPublicBans(sql: Sql, query: PublicBansQuery) {
  const action = query.action ? sql`b.action = ${query.action}` : sql`true`;
  const offset = (query.page - 1) * query.limit;
  const [rows, [count]] = await Promise.all([
    sql<Pick<BanRow, 'id' | 'action' | 'target_type' | 'ip' | 'port' | 'cidr' | 'asn' | 'reason' | 'created_at' | 'expires_at'>[]>`
      select b.id::text as id, b.action, b.target_type, b.ip, b.port, b.cidr::text as cidr, b.asn::text as asn, b.reason, b.created_at, b.expires_at
      from node_bans b where ${ACTIVE(sql)} and ${action}
      order by b.id desc limit ${query.limit} offset ${offset}`,
    sql<{ total: number }[]>`select count(*)::int as total from node_bans b where ${ACTIVE(sql)} and ${action}`,
  ]);
  const bans: PublicBanView[] = rows.map((row) => ({
    id: String(row.id),
    action: row.action,
    target_type: row.target_type,
    target: banTarget(row),
    reason: row.reason,
    since: row.created_at.toISOString(),
    expires_at: iso(row.expires_at),
  }));
  return { total: count?.total ?? 0, page: query.page, limit: query.limit, bans };
}
