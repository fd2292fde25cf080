import { createHash } from 'node:crypto';
import type { Sql } from '../db/client';
import { compress, STORED_LEVELS } from '../api/encoding';
import { PreparedJson } from '../api/etag';
import { bitnodesSnapshotBody, SNAPSHOT_FIELDS, type BitnodesSnapshotRow, type SnapshotField, type SnapshotHead } from './bitnodes-format';

/** Snapshots whose bodies are kept (the newest ones); older snapshots are answered from network_snapshots.nodes. */
export const KEPT_SNAPSHOT_BODIES = 2;

export interface EncodedSnapshotBody {
  field: SnapshotField;
  /** unquoted ETag of the identity form */
  tag: string;
  body: Buffer;
  gzip: Buffer;
  br: Buffer;
}

/** Every variant of a snapshot's Bitnodes answer, serialised, tagged and compressed (once, by the snapshot writer). */
export async function encodeSnapshotBodies(head: SnapshotHead, nodes: Record<string, BitnodesSnapshotRow>): Promise<EncodedSnapshotBody[]> {
  return Promise.all(
    SNAPSHOT_FIELDS.map(async (field) => {
      const body = Buffer.from(JSON.stringify(bitnodesSnapshotBody(head, nodes, field)));
      const [gzip, br] = await Promise.all([compress(body, 'gzip', STORED_LEVELS), compress(body, 'br', STORED_LEVELS)]);
      const tag = createHash('sha256').update(body).digest('base64url').slice(0, 32);
      return { field, tag, body, gzip, br };
    }),
  );
}

/** Drops the bodies of all but the newest KEPT_SNAPSHOT_BODIES snapshots. */
export async function pruneSnapshotBodies(sql: Sql): Promise<void> {
  await sql`
    delete from snapshot_bodies
    where snapshot_id not in (select id from network_snapshots order by taken_at desc, id desc limit ${KEPT_SNAPSHOT_BODIES})`;
}

/** A stored body as a PreparedJson (all three forms in memory); null when the snapshot has none for `field`. */
export async function loadSnapshotBody(sql: Sql, snapshotId: string, field: SnapshotField): Promise<PreparedJson | null> {
  const [row] = await sql<{ tag: string; body: Buffer; body_gzip: Buffer; body_br: Buffer }[]>`
    select tag, body, body_gzip, body_br from snapshot_bodies where snapshot_id = ${snapshotId} and field = ${field}`;
  if (!row) return null;
  return new PreparedJson(row.body, { tag: row.tag, forms: { gzip: row.body_gzip, br: row.body_br } });
}
