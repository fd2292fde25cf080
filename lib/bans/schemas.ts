import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { nodeRefSchema } from '../api/node-ref';

/**
 * Request shapes of the ban, hide and deny lists (admin routes, camelCase like the other
 * account routes). A target is exactly one of: a node (numeric id or "<ip>-<port>", as in
 * /api/nodes/[id]), an address range in CIDR notation, or an autonomous system number.
 */

/** Broadest ranges an entry may cover: a typo must not take a whole address family off the map. */
export const MIN_PREFIX = { ipv4: 8, ipv6: 16 } as const;

/** "203.0.113.7/24" → "203.0.113.0/24" (the network address, as PostgreSQL's cidr wants it). */
export const cidrSchema = z
  .string()
  .trim()
  .max(64)
  .transform((value, ctx) => {
    let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
    try {
      parsed = ipaddr.parseCIDR(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an IPv4 or IPv6 range in CIDR notation, e.g. 203.0.113.0/24' });
      return z.NEVER;
    }
    const [address, bits] = parsed;
    const kind = address.kind();
    if (bits < MIN_PREFIX[kind]) {
      ctx.addIssue({ code: 'custom', message: `an ${kind} range must be /${MIN_PREFIX[kind]} or narrower` });
      return z.NEVER;
    }
    const network = kind === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(value) : ipaddr.IPv6.networkAddressFromCIDR(value);
    return `${network.toString()}/${bits}`;
  });

export const asnSchema = z.union([
  z.number().int().min(1).max(4_294_967_295),
  z
    .string()
    .trim()
    .regex(/^(AS)?\d{1,10}$/i, 'must be an AS number such as 64496 or AS64496')
    .transform((value) => Number(value.replace(/^AS/i, '')))
    .pipe(z.number().int().min(1).max(4_294_967_295)),
]);

const MAX_EXPIRY_MS = 10 * 365 * 86_400_000;

export const createBanSchema = z
  .object({
    action: z.enum(['ban', 'hide']).default('ban'),
    node: z.union([z.number().int().positive().transform(String), z.string()]).pipe(nodeRefSchema).optional(),
    cidr: cidrSchema.optional(),
    asn: asnSchema.optional(),
    reason: z.string().trim().min(1).max(500),
    /** ISO time in the future; omitted or null: until lifted. */
    expiresAt: z.iso
      .datetime({ offset: true })
      .nullish()
      .refine((value) => !value || Date.parse(value) > Date.now(), 'must be in the future')
      .refine((value) => !value || Date.parse(value) < Date.now() + MAX_EXPIRY_MS, 'must be within 10 years'),
  })
  .strict()
  .refine((body) => [body.node, body.cidr, body.asn].filter((value) => value !== undefined).length === 1, {
    message: 'give exactly one target: node, cidr or asn',
  });
export type CreateBanInput = z.output<typeof createBanSchema>;

/** DELETE /api/admin/bans {id}: the entry to lift (a decimal string or a number, as ids are strings in answers). */
export const liftBanSchema = z
  .object({ id: z.union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER).transform(String), z.string().regex(/^[1-9]\d{0,17}$/, 'must be a ban id')]) })
  .strict();

export const listBansQuerySchema = z
  .object({
    status: z.enum(['active', 'expired', 'lifted', 'all']).default('active'),
    action: z.enum(['ban', 'hide']).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
  });
export type ListBansQuery = z.output<typeof listBansQuerySchema>;

/** GET /api/banned: active entries only. */
export const publicBansQuerySchema = z
  .object({
    action: z.enum(['ban', 'hide']).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(500),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
  });
export type PublicBansQuery = z.output<typeof publicBansQuerySchema>;
