/** The fields every moderation queue item shares (the spec's item shape), whatever waits for review. */
export interface ModerationItemSource {
  id: string;
  user_id: string;
  user_email: string;
  status: string;
  created_at: Date;
  ip: string;
  port: number;
  country_name: string | null;
}

export function moderationItemBase<Kind extends string>(row: ModerationItemSource, itemType: Kind) {
  return {
    id: row.id,
    item_type: itemType,
    item_id: row.id,
    user_id: row.user_id,
    user_email: row.user_email,
    status: row.status,
    created_at: row.created_at.toISOString(),
    node_info: { ip: row.ip, port: row.port, country_name: row.country_name },
  };
}
