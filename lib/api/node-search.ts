import { z } from 'zod';
import type { Sql } from '../db/client';
import { FILTERABLE_SERVICE_FLAGS, serviceFlagBits, type FilterableServiceFlag } from '../p2p/service-flags';

/**
 * nodes.json search and filters beyond the AtlasP2P spec's (issue 15): `q`, `asn`,
 * `network`, `services`. The zod fields are spread into nodesQuerySchema; the SQL
 * is one composable fragment (`and …` conditions) for the node list's WHERE clause.
 * Every condition has an index (supabase/migrations/20261126200000_node_search_filters.sql).
 * Flags live in bits 0–15 (peerscope_service_bits indexes those).
 */

export const NODE_NETWORKS = ['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns'] as const;
export type NodeNetwork = (typeof NODE_NETWORKS)[number];

/** Trigram search needs 3 characters to use its index; longer than 100 is not a search. */
export const SEARCH_MIN_LENGTH = 3;
export const SEARCH_MAX_LENGTH = 100;
/** AS numbers are 32-bit. */
export const MAX_ASN = 4_294_967_295;
/** nodes.asn is an integer column: larger ASNs are never stored, so they match nothing. */
const MAX_STORED_ASN = 2_147_483_647;

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

const searchText = z
  .string()
  .trim()
  .min(SEARCH_MIN_LENGTH, `must be at least ${SEARCH_MIN_LENGTH} characters`)
  .max(SEARCH_MAX_LENGTH, `must be at most ${SEARCH_MAX_LENGTH} characters`)
  .refine((text) => !CONTROL_CHARACTERS.test(text), 'must not contain control characters');

const asnNumber = z
  .string()
  .trim()
  .regex(/^(?:AS)?[0-9]{1,10}$/i, 'must be an AS number such as 13335 or AS13335')
  .transform((text) => Number(text.replace(/^AS/i, '')))
  .pipe(z.number().int().min(0).max(MAX_ASN, `must be at most ${MAX_ASN}`));

const serviceFlagList = z
  .string()
  .trim()
  .min(1)
  .max(200, 'must be at most 200 characters')
  .transform((text, context): FilterableServiceFlag[] => {
    const names = text.split(',').map((name) => name.trim().toUpperCase());
    const unknown = names.filter((name) => !(FILTERABLE_SERVICE_FLAGS as readonly string[]).includes(name));
    if (unknown.length > 0) {
      context.issues.push({
        code: 'custom',
        input: text,
        message: `unknown service flag ${unknown.map((name) => JSON.stringify(name.slice(0, 40))).join(', ')}; known: ${FILTERABLE_SERVICE_FLAGS.join(', ')}`,
      });
      return z.NEVER;
    }
    return [...new Set(names)] as FilterableServiceFlag[];
  });

/** The query fields, spread into nodesQuerySchema. */
export const nodeSearchFields = {
  /** Case-insensitive substring of the address, user agent, hostname, organisation or ISP. */
  q: searchText.optional(),
  /** "AS13335" or "13335". */
  asn: asnNumber.optional(),
  network: z.enum(NODE_NETWORKS).optional(),
  /** Comma-separated flag names; a node must have all of them. */
  services: serviceFlagList.optional(),
};

export interface NodeSearchQuery {
  q?: string;
  asn?: number;
  network?: NodeNetwork;
  services?: FilterableServiceFlag[];
}

/** Escapes LIKE wildcards (and the escape character) so user input matches literally. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * `and …` conditions for the given search fields (empty when none is set). q and services
 * look in node_search (the searched text and service bits, kept in step with nodes by
 * triggers; indexed there), so a node list or count probes that table's index once.
 */
export function nodeSearchConditions(sql: Sql, query: NodeSearchQuery) {
  const bits = query.services?.length ? serviceFlagBits(query.services) : null;
  const searched = query.q !== undefined || bits !== null;
  return sql`
    ${searched
      ? sql`and id in (select node_id from node_search where true
          ${query.q ? sql`and document ilike ${`%${likeLiteral(query.q)}%`}` : sql``}
          ${bits ? sql`and service_bits @> ${`{${bits.join(',')}}`}::smallint[]` : sql``})`
      : sql``}
    ${query.asn === undefined ? sql`` : query.asn > MAX_STORED_ASN ? sql`and false` : sql`and asn = ${query.asn}`}
    ${query.network ? sql`and network = ${query.network}` : sql``}`;
}
