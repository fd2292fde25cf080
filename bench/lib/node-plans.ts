import type { Sql } from '../../lib/db/client';
import { nodesCountQuery, nodesPageQuery } from '../../lib/api/nodes';
import { countedFilters } from '../../lib/api/node-counts';
import { NODE_SORTS, nodesQuerySchema } from '../../lib/api/schemas';

/**
 * EXPLAIN (FORMAT JSON) of the queries nodes.json runs, for every filter (alone and
 * in a combination), every sort in both orders, the first page and a deep one; and
 * of the exact count for the filters the stored counts do not cover. Reports every
 * plan with a sequential scan on nodes.
 */
export const PLAN_FILTERS: Record<string, string>[] = [
  {},
  { country: 'DE' },
  { tier: 'gold' },
  { online: 'true' },
  { online: 'false' },
  { verified: 'true' },
  { verified: 'false' },
  { version: '70016' },
  { version: 'Satoshi:27' },
  { country: 'DE', tier: 'gold', online: 'true' },
  { country: 'NL', verified: 'true', online: 'false' },
];
// The first page and the tenth (OFFSET 900): the pages a client walks. A page past most of
// the matching rows reads them all whatever the plan; there a sequential scan is the right one.
export const PLAN_PAGES: Record<string, string>[] = [{}, { page: '10' }];

export interface PlanCheck {
  case: string;
  kind: 'page' | 'count';
  seq_scan: boolean;
  nodes_access: string[];
  total_cost: number;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Total Cost'?: number;
  Plans?: PlanNode[];
}

function accesses(node: PlanNode, found: string[] = []): string[] {
  if (node['Relation Name'] === 'nodes' || node['Index Name']?.startsWith('nodes_')) {
    found.push(`${node['Node Type']}${node['Index Name'] ? ` ${node['Index Name']}` : ''}`);
  }
  for (const child of node.Plans ?? []) accesses(child, found);
  return found;
}

async function explain(sql: Sql, query: ReturnType<typeof nodesPageQuery> | ReturnType<typeof nodesCountQuery>): Promise<PlanNode> {
  const [row] = await sql<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>`explain (format json) ${query as never}`;
  return row!['QUERY PLAN'][0].Plan;
}

export async function checkNodePlans(sql: Sql): Promise<PlanCheck[]> {
  const checks: PlanCheck[] = [];
  for (const filters of PLAN_FILTERS) {
    for (const sort of NODE_SORTS) {
      for (const order of ['desc', 'asc']) {
        for (const page of PLAN_PAGES) {
          const query = nodesQuerySchema.parse({ ...filters, ...page, sort, order });
          const plan = await explain(sql, nodesPageQuery(sql, query));
          const found = accesses(plan);
          checks.push({
            case: `${new URLSearchParams({ ...filters, sort, order, ...page })}`,
            kind: 'page',
            seq_scan: found.some((access) => access.startsWith('Seq Scan')),
            nodes_access: found,
            total_cost: plan['Total Cost'] ?? 0,
          });
        }
      }
    }
    const query = nodesQuerySchema.parse(filters);
    if (!countedFilters(query)) {
      const plan = await explain(sql, nodesCountQuery(sql, query));
      const found = accesses(plan);
      checks.push({ case: `count ${new URLSearchParams(filters)}`, kind: 'count', seq_scan: found.some((access) => access.startsWith('Seq Scan')), nodes_access: found, total_cost: plan['Total Cost'] ?? 0 });
    }
  }
  return checks;
}
