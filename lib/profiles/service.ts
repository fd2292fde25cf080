import type { Sql } from '../db/client';
import { conflict, HttpError, notFound } from '../http/http-error';
import { avatarUrl } from './avatar-url';
import { PROFILE_TEXT_FIELDS, profileLinks, type ProfileText } from './fields';

/**
 * Operator profiles of nodes. The owner of a verified node submits changes (the text part
 * and the avatar separately); each waits in the moderation queue, and only an approved
 * change reaches node_profiles, the live profile every page and read:profiles key sees.
 */

/** The live profile of a node as the API and the pages show it (camelCase, as the spec's displayName/avatarUrl). */
export interface OperatorProfile extends ProfileText {
  nodeId: string;
  avatarUrl: string | null;
  links: ReturnType<typeof profileLinks>;
  approvedAt: string;
}

interface LiveRow extends ProfileText {
  node_id: string;
  avatar_sha256: string | null;
  approved_at: Date;
}

const LIVE_COLUMNS = (sql: Sql) => sql`
  p.node_id::text as node_id, p.display_name as "displayName", p.description, p.website, p.x, p.github, p.discord, p.telegram, p.nostr,
  a.sha256 as avatar_sha256, p.approved_at`;

function presentLive(row: LiveRow): OperatorProfile {
  const text = Object.fromEntries(PROFILE_TEXT_FIELDS.map((field) => [field, row[field]])) as ProfileText;
  return { nodeId: row.node_id, ...text, avatarUrl: avatarUrl(row.avatar_sha256), links: profileLinks(text), approvedAt: row.approved_at.toISOString() };
}

/** The approved profile of a visible node, or null. */
export async function liveProfile(sql: Sql, nodeId: string): Promise<OperatorProfile | null> {
  const [row] = await sql<LiveRow[]>`
    select ${LIVE_COLUMNS(sql)} from node_profiles p join nodes n on n.id = p.node_id left join profile_avatars a on a.id = p.avatar_id
    where p.node_id = ${nodeId} and not n.hidden`;
  return row ? presentLive(row) : null;
}

/** Approved profiles of the given nodes (hidden nodes left out), by node id. */
export async function liveProfilesFor(sql: Sql, nodeIds: (string | number)[]): Promise<Map<string, OperatorProfile>> {
  const ids = [...new Set(nodeIds.map(String))].filter((id) => /^\d{1,18}$/.test(id));
  if (ids.length === 0) return new Map();
  const rows = await sql<LiveRow[]>`
    select ${LIVE_COLUMNS(sql)} from node_profiles p join nodes n on n.id = p.node_id left join profile_avatars a on a.id = p.avatar_id
    where p.node_id = any(${ids}::bigint[]) and not n.hidden`;
  return new Map(rows.map((row) => [row.node_id, presentLive(row)]));
}

/** GET /api/profiles: approved profiles of visible nodes, newest approval first, paged. */
export async function listProfiles(sql: Sql, query: { page: number; limit: number }, now = new Date()) {
  const rows = await sql<(LiveRow & { ip: string; port: number; total: number })[]>`
    select ${LIVE_COLUMNS(sql)}, n.ip, n.port, count(*) over ()::int as total
    from node_profiles p join nodes n on n.id = p.node_id left join profile_avatars a on a.id = p.avatar_id
    where not n.hidden
    order by p.approved_at desc, p.node_id
    limit ${query.limit} offset ${(query.page - 1) * query.limit}`;
  let total = rows[0]?.total;
  if (total === undefined) {
    [{ total } = { total: 0 }] = await sql<{ total: number }[]>`select count(*)::int as total from node_profiles p join nodes n on n.id = p.node_id where not n.hidden`;
  }
  return {
    timestamp: Math.floor(now.getTime() / 1000),
    profiles: rows.map((row) => ({ ...presentLive(row), ip: row.ip, port: row.port })),
    pagination: { page: query.page, limit: query.limit, total, total_pages: Math.ceil(total / query.limit) },
  };
}

/**
 * The node, when `userId` may edit its profile: the node must be verified, registered by the
 * user, and the user must hold a verification of it that ended 'verified'.
 */
export async function requireVerifiedOwner(sql: Sql, userId: string, nodeId: string): Promise<{ id: string; ip: string; port: number }> {
  const [node] = await sql<{ id: string; ip: string; port: number; verified: boolean; linked: boolean; proved: boolean }[]>`
    select n.id::text as id, n.ip, n.port, n.verified,
      exists (select 1 from user_nodes un where un.node_id = n.id and un.user_id = ${userId}) as linked,
      exists (select 1 from verifications v where v.node_id = n.id and v.user_id = ${userId} and v.status = 'verified') as proved
    from nodes n where n.id = ${nodeId}`;
  if (!node) throw notFound('Node');
  if (!node.linked) throw new HttpError(403, 'Forbidden', 'Register the node (POST /api/nodes/register) and verify it before setting its profile.');
  if (!node.verified || !node.proved) throw new HttpError(403, 'Forbidden', 'Only the verified owner of a node can set its profile; verify the node first (POST /api/verification).');
  return { id: node.id, ip: node.ip, port: node.port };
}

export interface ProfileChange {
  id: string;
  node_id: string;
  kind: 'profile' | 'avatar';
  status: 'needs_review' | 'approved' | 'rejected' | 'superseded';
  fields: ProfileText | null;
  avatarUrl: string | null;
  reason: string | null;
  created_at: string;
  decided_at: string | null;
}

interface ChangeRow {
  id: string; node_id: string; kind: 'profile' | 'avatar'; status: ProfileChange['status']; fields: ProfileText | null;
  avatar_sha256: string | null; reason: string | null; created_at: Date; decided_at: Date | null;
}

const CHANGE_COLUMNS = (sql: Sql) => sql`
  c.id, c.node_id::text as node_id, c.kind, c.status, c.fields, a.sha256 as avatar_sha256, c.reason, c.created_at, c.decided_at`;

function presentChange(row: ChangeRow): ProfileChange {
  return {
    id: row.id,
    node_id: row.node_id,
    kind: row.kind,
    status: row.status,
    fields: row.fields,
    avatarUrl: avatarUrl(row.avatar_sha256),
    reason: row.reason,
    created_at: row.created_at.toISOString(),
    decided_at: row.decided_at?.toISOString() ?? null,
  };
}

async function insertChange(sql: Sql, userId: string, nodeId: string, kind: 'profile' | 'avatar', values: { fields?: ProfileText; avatarId?: string | null }) {
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    // One open change per node and kind: a newer submission replaces the one still waiting.
    await t`select id from nodes where id = ${nodeId} for update`;
    await t`update node_profile_changes set status = 'superseded', decided_at = now() where node_id = ${nodeId} and kind = ${kind} and status = 'needs_review'`;
    const [inserted] = await t<{ id: string }[]>`
      insert into node_profile_changes (node_id, user_id, kind, fields, avatar_id)
      values (${nodeId}, ${userId}, ${kind}, ${values.fields ? JSON.stringify(values.fields) : null}::text::jsonb, ${values.avatarId ?? null})
      returning id`;
    const [row] = await t<ChangeRow[]>`
      select ${CHANGE_COLUMNS(t)} from node_profile_changes c left join profile_avatars a on a.id = c.avatar_id where c.id = ${inserted!.id}`;
    return presentChange(row!);
  }) as Promise<ProfileChange>;
}

/** Queues a change of the text part of a node's profile (after requireVerifiedOwner). */
export async function submitProfileText(sql: Sql, userId: string, nodeId: string, fields: ProfileText): Promise<ProfileChange> {
  const live = await liveProfile(sql, nodeId);
  const same = PROFILE_TEXT_FIELDS.every((field) => (live?.[field] ?? null) === fields[field]);
  if (same) throw conflict('This is already the live profile; change a field first.');
  return insertChange(sql, userId, nodeId, 'profile', { fields });
}

/** Queues a new avatar (a stored profile_avatars row) or, with null, its removal. */
export async function submitAvatar(sql: Sql, userId: string, nodeId: string, avatarId: string | null): Promise<ProfileChange> {
  if (avatarId === null) {
    const live = await liveProfile(sql, nodeId);
    if (!live?.avatarUrl) throw conflict('This node has no avatar to remove.');
  }
  return insertChange(sql, userId, nodeId, 'avatar', { avatarId });
}

/** What the owner sees: the live profile, the changes waiting for review, and the latest decisions. */
export async function ownerProfileView(sql: Sql, nodeId: string) {
  const [live, rows] = await Promise.all([
    liveProfile(sql, nodeId),
    sql<ChangeRow[]>`
      select ${CHANGE_COLUMNS(sql)} from node_profile_changes c left join profile_avatars a on a.id = c.avatar_id
      where c.node_id = ${nodeId} and c.status <> 'superseded'
      order by c.created_at desc, c.id limit 20`,
  ]);
  const changes = rows.map(presentChange);
  return {
    nodeId,
    profile: live,
    pending: {
      profile: changes.find((change) => change.kind === 'profile' && change.status === 'needs_review') ?? null,
      avatar: changes.find((change) => change.kind === 'avatar' && change.status === 'needs_review') ?? null,
    },
    recent: changes.filter((change) => change.status !== 'needs_review').slice(0, 5),
  };
}

/** Approved profiles keyed by node address ("ip:port", IPv6 bracketed), as the node tables key their rows. */
export async function liveProfilesByAddress(sql: Sql, addresses: string[]): Promise<Map<string, OperatorProfile>> {
  const parsed = addresses.flatMap((address) => {
    const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(address);
    return match ? [{ address, ip: match[1]!, port: Number(match[2]) }] : [];
  });
  if (parsed.length === 0) return new Map();
  const rows = await sql<(LiveRow & { ip: string; port: number })[]>`
    select ${LIVE_COLUMNS(sql)}, n.ip, n.port
    from node_profiles p join nodes n on n.id = p.node_id left join profile_avatars a on a.id = p.avatar_id
    where not n.hidden and (n.ip, n.port) in (select * from unnest(${parsed.map((entry) => entry.ip)}::text[], ${parsed.map((entry) => entry.port)}::int[]))`;
  const byKey = new Map(rows.map((row) => [`${row.ip}|${row.port}`, presentLive(row)]));
  return new Map(parsed.flatMap((entry) => (byKey.has(`${entry.ip}|${entry.port}`) ? [[entry.address, byKey.get(`${entry.ip}|${entry.port}`)!] as const] : [])));
}
