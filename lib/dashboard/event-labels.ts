/** How the dashboard describes events and exceptions (pure, shared by server and client components). */
import type { NodeEventJson } from '../events/types';

export const EVENT_LABELS: Record<NodeEventJson['type'], string> = {
  node_up: 'Came online',
  node_down: 'Went offline',
  node_new: 'New node',
  version_changed: 'Version changed',
  height_behind: 'Behind the tip',
  tier_changed: 'Tier changed',
  exception_raised: 'Problem raised',
  exception_cleared: 'Problem cleared',
};

export const EXCEPTION_LABELS: Record<string, string> = {
  offline: 'Offline',
  not_accepting_connections: 'Not accepting connections',
  behind_tip: 'Behind the tip',
  outdated: 'Outdated version',
  high_latency: 'High latency',
  flapping: 'Flapping',
};

function text(value: unknown): string {
  return value === null || value === undefined ? '—' : String(value);
}

/** One line about what happened. */
export function describeEvent(event: Pick<NodeEventJson, 'type' | 'details'>): string {
  const details = event.details as Record<string, any>;
  switch (event.type) {
    case 'node_down':
      return details.reason ? `reason: ${text(details.reason)}` : '';
    case 'version_changed':
      return `${text(details.from?.user_agent)} → ${text(details.to?.user_agent)}`;
    case 'tier_changed':
      return `${text(details.from)} → ${text(details.to)}`;
    case 'height_behind':
      return `${text(details.blocks_behind)} blocks behind (height ${text(details.height)}, consensus ${text(details.consensus_height)})`;
    case 'exception_raised':
    case 'exception_cleared':
      return EXCEPTION_LABELS[details.kind] ?? text(details.kind);
    case 'node_new':
    case 'node_up':
      return details.user_agent ? text(details.user_agent) : '';
  }
}
