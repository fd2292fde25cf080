import type { Sql } from '../db/client';
import { unixSeconds } from './format';
import { loadVersionClassesForRequest } from '../versions/store';
import { NODE_COLUMNS, nodeAddress, nodeView, pagination, type NodeRow, type NodeView, type Pagination } from './nodes';

export interface LeaderboardEntry extends NodeView {
  address: string;
}

export interface LeaderboardResponse {
  timestamp: number;
  nodes: LeaderboardEntry[];
  pagination: Pagination;
}

/** Online, visible, ranked nodes by rank (id breaks ties). */
export async function getRankedNodes(sql: Sql, page: number, limit: number): Promise<{ rows: NodeRow[]; total: number }> {
  const [rows, [count]] = await Promise.all([
    sql<NodeRow[]>`
      select ${sql(NODE_COLUMNS)} from nodes
      where status = 'up' and not hidden and rank is not null
      order by rank, id
      limit ${limit} offset ${(page - 1) * limit}`,
    sql<{ total: number }[]>`
      select count(*)::int as total from nodes where status = 'up' and not hidden and rank is not null`,
  ]);
  return { rows, total: count?.total ?? 0 };
}

/** GET /api/leaderboard. */
export async function getLeaderboard(sql: Sql, query: { page: number; limit: number }, now: Date = new Date()): Promise<LeaderboardResponse> {
  const [{ rows, total }, classes] = await Promise.all([getRankedNodes(sql, query.page, query.limit), loadVersionClassesForRequest(sql)]);
  return {
    timestamp: unixSeconds(now)!,
    nodes: rows.map((row) => ({ address: nodeAddress(row), ...nodeView(row, classes) })),
    pagination: pagination(query.page, query.limit, total),
  };
}
