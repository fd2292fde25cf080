import { z } from 'zod';
import { listUsersQuerySchema } from '../admin/users';
import { adminModerationQuerySchema } from '../admin/moderation-query';
import { alertHistoryQuerySchema, unsubscribeTokenSchema } from '../alerts/subscriptions';
import { confirmQuerySchema } from '../auth/confirm-query';
import { registrationQuerySchema } from '../nodes/register';
import { myIncidentsQuerySchema, myNodesQuerySchema } from '../nodes/portfolio';
import { profilesListQuerySchema } from '../profiles/schemas';
import { moderationQuerySchema } from '../verification/service';
import { nodeRefSchema } from './node-ref';
import { nodeSearchFields } from './node-search';
import { seedsQuerySchema } from './seeds';
import { eventsQuerySchema, eventStreamQuerySchema } from '../events/schemas';
import { REACHABILITY_STATES } from '../nodes/reachability';
import { VERSION_STATUSES } from '../versions/classes';
import { listBansQuerySchema, publicBansQuerySchema } from '../bans/schemas';

/**
 * Every query string the API accepts, keyed by its OpenAPI path. Route handlers
 * parse with these, and tests/unit/openapi.test.ts checks public/openapi.yaml
 * documents exactly these keys. Unknown query parameters are ignored (so cache
 * busters and Bitnodes clients' extra parameters do no harm).
 */

const page = z.coerce.number().int().min(1).max(1_000_000).default(1);
const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const flag = z.stringbool({ truthy: ['true', '1', 'yes'], falsy: ['false', '0', 'no'] });
const order = z.enum(['asc', 'desc']);
const unix = z.coerce.number().int().min(0).max(32_503_680_000);

export const TIERS = ['diamond', 'gold', 'silver', 'bronze', 'standard'] as const;
export type Tier = (typeof TIERS)[number];

export const NODE_SORTS = ['last_seen', 'first_seen', 'pix_score', 'tier', 'uptime_percentage'] as const;

export const nodesQuerySchema = z.object({
  page,
  limit: limit(500, 100),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
    .transform((code) => code.toUpperCase())
    .optional(),
  tier: z.enum(TIERS).optional(),
  version: z.string().trim().min(1).max(100).optional(),
  verified: flag.optional(),
  online: flag.optional(),
  /** Extra (issue 17): up, reachable (TCP only), down, unknown (never probed). */
  status: z.enum(REACHABILITY_STATES).optional(),
  /** Extra (issue 17): the node's version class. */
  version_status: z.enum(VERSION_STATUSES).optional(),
  sort: z.enum(NODE_SORTS).default('last_seen'),
  order: order.default('desc'),
  // q, asn, network, services (issue 15): lib/api/node-search.ts
  ...nodeSearchFields,
});
export type NodesQuery = z.infer<typeof nodesQuerySchema>;

export const statsQuerySchema = z.object({
  days: z.coerce.number().int().min(1).max(90).default(7),
});
export type StatsQuery = z.infer<typeof statsQuerySchema>;

export const countriesQuerySchema = z.object({
  sort: z.enum(['code', 'name', 'count']).default('count'),
  /** Defaults to desc for count and asc for code and name. */
  order: order.optional(),
  online_only: flag.default(true),
});
export type CountriesQuery = z.infer<typeof countriesQuerySchema>;

export const leaderboardQuerySchema = z.object({ page, limit: limit(500, 100) });
export type LeaderboardQuery = z.infer<typeof leaderboardQuerySchema>;

export const nodeChecksQuerySchema = z
  .object({ from: unix.optional(), to: unix.optional(), page, limit: limit(1000, 100) })
  .refine((query) => query.from === undefined || query.to === undefined || query.from <= query.to, {
    message: 'from must not be after to',
    path: ['from'],
  });
export type NodeChecksQuery = z.infer<typeof nodeChecksQuerySchema>;

/** `rows` (Horizen's name) wins over `rowsperpage` when both are given. */
export const downtimesQuerySchema = z.object({ page, rowsperpage: limit(100, 20), rows: z.coerce.number().int().min(1).max(100).optional() });
export type DowntimesQuery = z.infer<typeof downtimesQuerySchema>;

export const bitnodesListQuerySchema = z.object({ page, limit: limit(100, 10) });
export type BitnodesListQuery = z.infer<typeof bitnodesListQuerySchema>;

/**
 * Bitnodes' `q` address pattern ("^fc", ".onion", "2001:db8"), bounded: at most 64
 * characters of address material, an optional leading ^ and trailing $ as anchors.
 * Every other character is literal (no regular expression ever runs), so a client
 * cannot send a catastrophic pattern or an SQL error.
 */
export const addressPatternSchema = z
  .string()
  .trim()
  .min(1)
  .max(66)
  .regex(/^\^?[A-Za-z0-9.:\[\]-]{1,64}\$?$/, 'must be address characters (letters, digits, . : [ ] -) with an optional leading ^ and trailing $')
  .transform((raw) => {
    const start = raw.startsWith('^');
    const end = raw.endsWith('$');
    const body = raw.slice(start ? 1 : 0, end ? -1 : undefined).toLowerCase().replace(/[[\]]/g, '');
    return { raw, like: `${start ? '' : '%'}${body}${end ? '' : '%'}` };
  });

export const bitnodesAddressesQuerySchema = bitnodesListQuerySchema.extend({ q: addressPatternSchema.optional() });
export type BitnodesAddressesQuery = z.infer<typeof bitnodesAddressesQuerySchema>;

export const bitnodesSnapshotQuerySchema = z.object({
  field: z.enum(['coordinates', 'user_agents']).optional(),
});
export type BitnodesSnapshotQuery = z.infer<typeof bitnodesSnapshotQuerySchema>;

export const emptyQuerySchema = z.object({});

/** GET /api/config/chain reads no query string. */
export const chainConfigQuerySchema = emptyQuerySchema;

/**
 * Account and admin routes: strict, so an unknown query parameter is a 400 there.
 * (GET /api/admin/users and GET /api/nodes/register use listUsersQuerySchema and
 * registrationQuerySchema from lib/admin/users and lib/nodes/register.)
 */
export const auditQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: z.coerce.number().int().positive().optional(),
    action: z.string().trim().min(1).max(100).optional(),
  });

export { moderationQuerySchema };

export { alertHistoryQuerySchema };
export const unsubscribeQuerySchema = z.object({ token: unsubscribeTokenSchema });

export const nodeParamsSchema = z.object({ id: nodeRefSchema });
export const bitnodesNodeParamsSchema = z.object({ address: nodeRefSchema });
export const snapshotParamsSchema = z.object({ timestamp: unix });
/** A block or transaction hash as shown (64 hex characters; any case, answered lowercase). */
export const invParamsSchema = z.object({
  hash: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be a 64-character hex hash')
    .transform((hash) => hash.toLowerCase()),
});

/**
 * OpenAPI path → the zod schema of its query string (the GET's; a path without GET reads no
 * query string and maps to emptyQuerySchema; other methods of a path read none or the same).
 */
export const QUERY_SCHEMAS = {
  '/api/health': emptyQuerySchema,
  '/api/check': emptyQuerySchema,
  '/api/v1/seeds/': seedsQuerySchema,
  '/api/nodes.json': nodesQuerySchema,
  '/api/stats.json': statsQuerySchema,
  '/api/countries.json': countriesQuerySchema,
  '/api/config/chain': chainConfigQuerySchema,
  '/api/leaderboard': leaderboardQuerySchema,
  '/api/events': eventsQuerySchema,
  '/api/events/stream': eventStreamQuerySchema,
  '/api/nodes/{id}': emptyQuerySchema,
  '/api/nodes/{id}/snapshots': nodeChecksQuerySchema,
  '/api/nodes/{id}/downtimes': downtimesQuerySchema,
  '/api/cron/snapshots': emptyQuerySchema,
  '/api/metrics': emptyQuerySchema,
  '/api/v1/snapshots/': bitnodesListQuerySchema,
  '/api/v1/snapshots/latest/': bitnodesSnapshotQuerySchema,
  '/api/v1/snapshots/{timestamp}/': bitnodesSnapshotQuerySchema,
  '/api/v1/nodes/{address}/': emptyQuerySchema,
  '/api/v1/nodes/{address}/latency/': emptyQuerySchema,
  '/api/v1/nodes/leaderboard/': bitnodesListQuerySchema,
  '/api/v1/nodes/leaderboard/{address}/': emptyQuerySchema,
  '/api/v1/addresses/': bitnodesAddressesQuerySchema,
  '/api/v1/inv/': bitnodesListQuerySchema,
  '/api/v1/inv/{hash}/': emptyQuerySchema,
  '/api/auth/signup': emptyQuerySchema,
  '/api/auth/signin': emptyQuerySchema,
  '/api/auth/signout': emptyQuerySchema,
  '/api/auth/me': emptyQuerySchema,
  '/api/auth/reset-password': emptyQuerySchema,
  '/api/auth/confirm': confirmQuerySchema,
  '/api/auth/password': emptyQuerySchema,
  '/api/keys': emptyQuerySchema,
  '/api/keys/{id}': emptyQuerySchema,
  '/api/keys/{id}/rotate': emptyQuerySchema,
  '/api/nodes/register': registrationQuerySchema,
  '/api/my-nodes': myNodesQuerySchema,
  '/api/my-nodes/incidents': myIncidentsQuerySchema,
  '/api/verification': emptyQuerySchema,
  '/api/verification/{id}': emptyQuerySchema,
  '/api/verification/{id}/check': emptyQuerySchema,
  '/api/alerts': emptyQuerySchema,
  '/api/alerts/{id}': emptyQuerySchema,
  '/api/alerts/history': alertHistoryQuerySchema,
  '/api/alerts/unsubscribe': unsubscribeQuerySchema,
  '/api/alerts/process': emptyQuerySchema,
  '/api/admin/users': listUsersQuerySchema,
  '/api/admin/users/sessions': emptyQuerySchema,
  '/api/admin/users/{id}/ban': emptyQuerySchema,
  '/api/admin/settings': emptyQuerySchema,
  '/api/admin/audit': auditQuerySchema,
  '/api/admin/moderation': adminModerationQuerySchema,
  '/api/admin/moderation/{id}': emptyQuerySchema,
  '/api/admin/check': emptyQuerySchema,
  '/api/admin/bans': listBansQuerySchema,
  '/api/banned': publicBansQuerySchema,
  '/api/admin/nodes/{id}/retry': emptyQuerySchema,
  // Operator profiles and account emails (issue 17).
  '/api/profiles': profilesListQuerySchema,
  '/api/nodes/{id}/profile': emptyQuerySchema,
  '/api/my-nodes/{id}/profile': emptyQuerySchema,
  '/api/my-nodes/{id}/profile/avatar': emptyQuerySchema,
  '/api/avatars/{file}': emptyQuerySchema,
  '/api/auth/reset-password/confirm': emptyQuerySchema,
  '/api/auth/verify-email': emptyQuerySchema,
  '/api/auth/verify-email/confirm': emptyQuerySchema,
} as const;
