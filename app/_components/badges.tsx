const STATUS_LABEL = { up: 'Online', down: 'Offline', unknown: 'Unknown' } as const;

export function StatusBadge({ status }: { status: 'up' | 'down' | 'unknown' }) {
  return <span className={`badge status-${status}`}>{STATUS_LABEL[status]}</span>;
}

export function TierBadge({ tier }: { tier: string | null }) {
  if (!tier) return <span className="muted">—</span>;
  return <span className={`badge tier-${tier}`}>{tier[0]!.toUpperCase() + tier.slice(1)}</span>;
}
