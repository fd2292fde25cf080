import { REACHABILITY_LABELS, VERSION_STATUS_LABELS } from '@/lib/dashboard/labels';

const STATUS_TITLE = {
  up: 'Handshake completed',
  reachable: 'Accepts TCP connections but never completed the handshake',
  down: 'TCP connection refused or timed out',
  unknown: 'Never probed',
} as const;

export function StatusBadge({ status }: { status: keyof typeof REACHABILITY_LABELS }) {
  return <span className={`badge status-${status}`} title={STATUS_TITLE[status]}>{REACHABILITY_LABELS[status]}</span>;
}

/** The node's version class: up to date, outdated, critical (unknown shows nothing). */
export function VersionBadge({ status }: { status: keyof typeof VERSION_STATUS_LABELS }) {
  if (status === 'unknown') return null;
  return <span className={`badge version-${status}`}>{VERSION_STATUS_LABELS[status]}</span>;
}

export function TierBadge({ tier }: { tier: string | null }) {
  if (!tier) return <span className="muted">—</span>;
  return <span className={`badge tier-${tier}`}>{tier[0]!.toUpperCase() + tier.slice(1)}</span>;
}
