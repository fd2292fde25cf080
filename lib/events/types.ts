/** The live event log: what happened to which node, when. One row of node_events. */

export const EVENT_TYPES = [
  'node_up',
  'node_down',
  'node_new',
  'version_changed',
  'height_behind',
  'tier_changed',
  'exception_raised',
  'exception_cleared',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface NewNodeEvent {
  type: EventType;
  nodeId: string;
  occurredAt: Date;
  details: Record<string, unknown>;
}

/** As served by the API (ids as strings: bigint; times as unix seconds like the rest of the API). */
export interface NodeEventJson {
  id: string;
  type: EventType;
  node_id: string;
  node: string | null;
  occurred_at: number;
  details: Record<string, unknown>;
}

/** The NOTIFY channel carrying the highest new event id. */
export const EVENTS_CHANNEL = 'peerscope_events';
