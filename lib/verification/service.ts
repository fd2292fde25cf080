import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { audit } from '../admin/audit';
import { moderationItemBase } from '../admin/moderation-item';
import type { Sql } from '../db/client';
import { conflict, HttpError, notFound } from '../http/http-error';
import { nodeIdSchema } from '../http/id-schemas';
import { keyTicker } from '../keys/ticker';
import { allowLoopbackNodes } from '../net/ip-policy';
import { getSetting } from '../settings/app-settings';
import { checkDnsTxt, checkHttpFile, checkUserAgent, systemDns, HTTP_FILE_PATH, type CheckOutcome, type DnsSeam, type HttpFetcher } from './methods';
import { MESSAGE_CHAINS, verifySignedMessage } from './signed-message';

export const VERIFICATION_METHODS = ['message_sign', 'http_file', 'dns_txt', 'user_agent'] as const;
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number];

export const startVerificationSchema = z
  .object({ node_id: nodeIdSchema, method: z.enum(VERIFICATION_METHODS) })
  .strict();

const hostnameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a DNS hostname such as node.example.com');

export const checkVerificationSchema = z
  .object({
    address: z.string().trim().min(25).max(64).optional(),
    signature: z.string().trim().min(80).max(100).optional(),
    hostname: hostnameSchema.optional(),
  })
  .strict();
export type CheckVerificationInput = z.infer<typeof checkVerificationSchema>;

export interface VerificationRow {
  id: string;
  node_id: string;
  user_id: string;
  method: VerificationMethod;
  challenge: string;
  status: 'pending' | 'needs_review' | 'verified' | 'rejected' | 'expired';
  evidence: Record<string, unknown>;
  failure_reason: string | null;
  created_at: Date;
  expires_at: Date;
  decided_at: Date | null;
}

const COLUMNS = (sql: Sql) =>
  sql`id, node_id::text as node_id, user_id, method, challenge, status, evidence, failure_reason, created_at, expires_at, decided_at`;

/** The exact text a message_sign user signs with `signmessage <address> "<text>"`. */
export function signMessageText(node: { ip: string; port: number }, token: string): string {
  return `Peerscope node verification ${node.ip}:${node.port} ${token}`;
}

function instructions(method: VerificationMethod, node: { ip: string; port: number }, token: string) {
  switch (method) {
    case 'message_sign':
      return {
        message: signMessageText(node, token),
        how: 'Sign the message with a legacy (P2PKH) address, e.g. `signmessage <address> "<message>"`, then POST {address, signature} to the check endpoint. The address must be the node\'s published tips address for instant verification; any other address goes to manual review.',
      };
    case 'http_file':
      return { url: `http://${node.ip.includes(':') ? `[${node.ip}]` : node.ip}${HTTP_FILE_PATH}`, how: `Serve a file at this URL (port 80, HTTP 200, no redirect) containing ${token}, then call the check endpoint.` };
    case 'dns_txt':
      return { record: `peerscope-verification=${token}`, how: 'Add this TXT record on a hostname (or _peerscope.<hostname>) whose A/AAAA record points to the node, then POST {hostname} to the check endpoint.' };
    case 'user_agent':
      return { how: `Start the node with -uacomment=${token} so its user agent reads like "/Satoshi:27.0.0(${token})/", wait for the next crawl, then call the check endpoint.` };
  }
}

export function presentVerification(row: VerificationRow, node: { ip: string; port: number }) {
  return { ...row, instructions: row.status === 'pending' ? instructions(row.method, node, row.challenge) : undefined };
}

async function ownedNode(sql: Sql, userId: string, nodeId: string | number) {
  const [node] = await sql<{ id: string; ip: string; port: number; user_agent: string | null; tips_address: string | null; verified: boolean; linked: boolean }[]>`
    select n.id::text as id, n.ip, n.port, n.user_agent, n.tips_address, n.verified, (un.user_id is not null) as linked
    from nodes n left join user_nodes un on un.node_id = n.id and un.user_id = ${userId}
    where n.id = ${nodeId}`;
  if (!node) throw notFound('Node');
  if (!node.linked) throw new HttpError(403, 'Forbidden', 'Register the node (POST /api/nodes/register) before verifying it.');
  return node;
}

/** Starts (or returns the open) verification of one of the user's nodes with a method; the response carries the challenge. */
export async function startVerification(sql: Sql, userId: string, input: z.infer<typeof startVerificationSchema>) {
  const node = await ownedNode(sql, userId, input.node_id);
  await sql`
    update verifications set status = 'expired'
    where node_id = ${node.id} and user_id = ${userId} and status = 'pending' and expires_at <= now()`;
  const [open] = await sql<VerificationRow[]>`
    select ${COLUMNS(sql)} from verifications
    where node_id = ${node.id} and user_id = ${userId} and method = ${input.method} and status = 'pending'
    order by created_at desc limit 1`;
  if (open) return { created: false, verification: presentVerification(open, node) };
  const token = `peerscope-${randomBytes(8).toString('hex')}`;
  const [row] = await sql<VerificationRow[]>`
    insert into verifications (node_id, user_id, method, challenge) values (${node.id}, ${userId}, ${input.method}, ${token})
    returning ${COLUMNS(sql)}`;
  return { created: true, verification: presentVerification(row!, node) };
}

export interface CheckDeps {
  dns?: DnsSeam;
  fetcher?: HttpFetcher;
  /** Port of the http_file check (80 in production; tests use a loopback server's port). */
  httpPort?: number;
  allowLoopback?: boolean;
  ticker?: string;
}

/**
 * Runs a pending verification's check.
 *
 * Ownership proof rules per method:
 * - user_agent: only whoever runs the node can put the token into the user agent the crawler sees. Strong.
 * - http_file: only whoever controls the node's IP can serve the token on port 80 of it. Strong.
 * - dns_txt: the TXT record proves control of a hostname, and the hostname must resolve to the node's IP. Strong.
 * - message_sign: the signature proves control of the private key of a legacy P2PKH address of the chain
 *   (chain magic and version byte of the active CHAIN). That ties the key to the node only when the address
 *   is already published for the node (nodes.tips_address); then it counts like the others. Any other
 *   address proves nothing about the node by itself, so the result always goes to manual review
 *   (needs_review) with the address in the evidence, whatever verification.require_review says.
 *
 * A successful check ends as 'verified' (and sets nodes.verified/verified_at) or, when the
 * app setting verification.require_review is true, 'needs_review' for the admin queue.
 * A failed check leaves the verification pending with failure_reason and answers 422.
 */
export async function checkVerification(sql: Sql, userId: string, id: string, input: CheckVerificationInput, deps: CheckDeps = {}) {
  const [row] = await sql<VerificationRow[]>`select ${COLUMNS(sql)} from verifications where id = ${id} and user_id = ${userId}`;
  if (!row) throw notFound('Verification');
  const node = await ownedNode(sql, userId, row.node_id);
  if (row.status === 'pending' && row.expires_at <= new Date()) {
    await sql`update verifications set status = 'expired' where id = ${row.id}`;
    throw conflict('This verification has expired; start a new one.');
  }
  if (row.status !== 'pending') throw conflict(`This verification is already ${row.status}.`);

  let outcome: CheckOutcome;
  let forceReview = false;
  switch (row.method) {
    case 'message_sign': {
      if (!input.address || !input.signature) throw new HttpError(400, 'Invalid request', 'message_sign needs {address, signature}.');
      const chain = MESSAGE_CHAINS[deps.ticker ?? keyTicker()];
      if (!chain) throw new HttpError(422, 'Unsupported method', 'Signed messages are not supported on this chain; use another verification method.');
      const valid = verifySignedMessage(input.address, input.signature, signMessageText(node, row.challenge), chain);
      const tipsMatch = Boolean(node.tips_address) && node.tips_address === input.address;
      forceReview = !tipsMatch;
      outcome = valid
        ? { ok: true, evidence: { address: input.address, signature: input.signature, matches_tips_address: tipsMatch } }
        : { ok: false, reason: 'The signature does not verify for this address and message (legacy P2PKH addresses only).' };
      break;
    }
    case 'http_file':
      outcome = await checkHttpFile(node, row.challenge, { port: deps.httpPort, allowLoopback: deps.allowLoopback ?? allowLoopbackNodes(), fetcher: deps.fetcher });
      break;
    case 'dns_txt':
      if (!input.hostname) throw new HttpError(400, 'Invalid request', 'dns_txt needs {hostname}.');
      outcome = await checkDnsTxt(node, row.challenge, input.hostname, deps.dns ?? systemDns());
      break;
    case 'user_agent':
      outcome = checkUserAgent(node, row.challenge);
      break;
  }

  if (!outcome.ok) {
    await sql`update verifications set failure_reason = ${outcome.reason} where id = ${row.id}`;
    throw new HttpError(422, 'Verification failed', outcome.reason);
  }
  const review = forceReview || (await getSetting(sql, 'verification.require_review'));
  const status = review ? 'needs_review' : 'verified';
  const updated = await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const [result] = await t<VerificationRow[]>`
      update verifications set status = ${status}, evidence = ${JSON.stringify({ ...outcome.evidence, checked_at: new Date().toISOString() })}::text::jsonb,
        failure_reason = null, decided_at = ${status === 'verified' ? new Date() : null}
      where id = ${row.id} and status = 'pending'
      returning ${COLUMNS(t)}`;
    if (!result) throw conflict('This verification changed while it was being checked.');
    if (status === 'verified') await t`update nodes set verified = true, verified_at = now(), updated_at = now() where id = ${row.node_id}`;
    return result;
  });
  return presentVerification(updated, node);
}

export async function getVerification(sql: Sql, userId: string, id: string) {
  const [row] = await sql<(VerificationRow & { ip: string; port: number })[]>`
    select ${COLUMNS(sql)}, (select ip from nodes where id = node_id) as ip, (select port from nodes where id = node_id) as port
    from verifications where id = ${id} and user_id = ${userId}`;
  if (!row) throw notFound('Verification');
  const { ip, port, ...rest } = row;
  return presentVerification(rest, { ip, port });
}

export async function listMyVerifications(sql: Sql, userId: string) {
  return sql<VerificationRow[]>`select ${COLUMNS(sql)} from verifications where user_id = ${userId} order by created_at desc limit 200`;
}

export const moderationQuerySchema = z.object({
  /** Verification status of the listed items: needs_review (waiting for a moderator, default) or pending (not yet checked). */
  status: z.enum(['needs_review', 'pending']).default('needs_review'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

interface QueueRow {
  id: string; node_id: string; ip: string; port: number; country_name: string | null; user_agent: string | null; tips_address: string | null;
  user_id: string; user_email: string; method: string; status: string; evidence: unknown; flagged_at: Date | null; review_notes: string | null;
  created_at: Date; expires_at: Date;
}

const QUEUE_COLUMNS = (sql: Sql) => sql`
  v.id, v.node_id::text as node_id, n.ip, n.port, n.country_name, n.user_agent, n.tips_address, v.user_id, p.email as user_email,
  v.method, v.status, v.evidence, v.flagged_at, v.review_notes, v.created_at, v.expires_at`;

function presentQueueRow(row: QueueRow) {
  return {
    ...moderationItemBase(row, 'verification' as const),
    verification_info: { method: row.method, created_at: row.created_at.toISOString() },
    node_id: row.node_id,
    user_agent: row.user_agent,
    tips_address: row.tips_address,
    evidence: row.evidence,
    flagged: row.flagged_at !== null,
    notes: row.review_notes,
    expires_at: row.expires_at.toISOString(),
  };
}

/** Queue items (spec shape) of the given verifications, in the order of `ids`. */
export async function verificationQueueItems(sql: Sql, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await sql<QueueRow[]>`
    select ${QUEUE_COLUMNS(sql)}
    from verifications v join nodes n on n.id = v.node_id join profiles p on p.id = v.user_id
    where v.id = any(${ids}::uuid[])`;
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => (byId.has(id) ? [presentQueueRow(byId.get(id)!)] : []));
}

/** The admin moderation queue (spec shape): verifications waiting for review, oldest first, paged. */
export async function moderationQueue(sql: Sql, options: z.output<typeof moderationQuerySchema>) {
  const rows = await sql<(QueueRow & { total: number })[]>`
    select ${QUEUE_COLUMNS(sql)}, count(*) over ()::int as total
    from verifications v join nodes n on n.id = v.node_id join profiles p on p.id = v.user_id
    where v.status = ${options.status}
    order by v.created_at, v.id
    limit ${options.limit} offset ${(options.page - 1) * options.limit}`;
  let total = rows[0]?.total;
  if (total === undefined) {
    [{ total } = { total: 0 }] = await sql<{ total: number }[]>`select count(*)::int as total from verifications where status = ${options.status}`;
  }
  return {
    items: rows.map(presentQueueRow),
    pagination: { page: options.page, limit: options.limit, total, pages: Math.ceil(total / options.limit) },
  };
}

export const moderationDecisionSchema = z
  .object({ action: z.enum(['approve', 'reject']), reason: z.string().trim().min(1).max(500).optional() })
  .strict();

/** POST /api/admin/moderation (the spec's body). */
export const moderationReviewSchema = z
  .object({ itemId: z.uuid(), action: z.enum(['approve', 'reject', 'flag']), notes: z.string().trim().max(2000).nullish() })
  .strict();

/** Flags a verification awaiting review for a second look (it stays in the queue); audited. */
export async function flagVerification(sql: Sql, adminId: string, id: string, notes: string | null) {
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const [row] = await t<VerificationRow[]>`
      update verifications set flagged_at = coalesce(flagged_at, now()), review_notes = coalesce(${notes}, review_notes)
      where id = ${id} and status in ('needs_review', 'pending')
      returning ${COLUMNS(t)}`;
    if (!row) {
      const [exists] = await t<{ status: string }[]>`select status from verifications where id = ${id}`;
      if (!exists) throw notFound('Verification');
      throw conflict(`This verification is already ${exists.status}.`);
    }
    await audit(t, adminId, 'verification.flag', { type: 'verification', id }, { node_id: row.node_id, notes });
    return row;
  }) as Promise<VerificationRow>;
}
/** Approves (verified + node verified) or rejects a verification awaiting review; audited. */
export async function decideVerification(
  sql: Sql,
  adminId: string,
  id: string,
  decision: z.infer<typeof moderationDecisionSchema> & { notes?: string | null },
) {
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const [row] = await t<VerificationRow[]>`select ${COLUMNS(t)} from verifications where id = ${id} for update`;
    if (!row) throw notFound('Verification');
    if (row.status !== 'needs_review' && row.status !== 'pending') throw conflict(`This verification is already ${row.status}.`);
    const status = decision.action === 'approve' ? 'verified' : 'rejected';
    const [updated] = await t<VerificationRow[]>`
      update verifications set status = ${status}, decided_at = now(), decided_by = ${adminId},
        failure_reason = ${decision.action === 'reject' ? (decision.reason ?? 'Rejected by a moderator.') : null},
        review_notes = coalesce(${decision.notes ?? null}, review_notes)
      where id = ${id} returning ${COLUMNS(t)}`;
    if (status === 'verified') await t`update nodes set verified = true, verified_at = now(), updated_at = now() where id = ${row.node_id}`;
    await audit(t, adminId, `verification.${decision.action}`, { type: 'verification', id }, { node_id: row.node_id, method: row.method, reason: decision.reason ?? null, notes: decision.notes ?? null });
    return updated!;
  });
}
