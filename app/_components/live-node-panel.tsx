'use client';

import { useEffect, useState } from 'react';
import { EXCEPTION_LABELS } from '@/lib/dashboard/event-labels';
import type { NodeExceptionJson } from '@/lib/events/exceptions';
import { StatusBadge } from './badges';

export interface LiveNodeState {
  status: 'up' | 'reachable' | 'down' | 'unknown';
  latency_ms: number | null;
  height: number | null;
  connected_since: number | null;
  exceptions: NodeExceptionJson[];
}

function when(seconds: number | null): string {
  return seconds === null ? '—' : `${new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}

/**
 * Status, latency, height, connected-since and open problems of one node,
 * refreshed from GET /api/nodes/{id} whenever the event stream reports
 * something about the node, and every minute for latency and height.
 */
export function LiveNodePanel({ nodeId, initial }: { nodeId: string; initial: LiveNodeState }) {
  const [state, setState] = useState(initial);
  const [live, setLive] = useState(false);
  useEffect(() => {
    let stopped = false;
    const refresh = async () => {
      try {
        const response = await fetch(`/api/nodes/${nodeId}`, { cache: 'no-store' });
        if (response.ok && !stopped) setState((await response.json()) as LiveNodeState);
      } catch {
        // keep what we show
      }
    };
    const source = new EventSource(`/api/events/stream?node=${encodeURIComponent(nodeId)}`);
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(false);
    source.onmessage = () => void refresh();
    for (const type of ['node_up', 'node_down', 'version_changed', 'height_behind', 'tier_changed', 'exception_raised', 'exception_cleared']) {
      source.addEventListener(type, () => void refresh());
    }
    const timer = setInterval(() => void refresh(), 60_000);
    return () => {
      stopped = true;
      source.close();
      clearInterval(timer);
    };
  }, [nodeId]);
  return (
    <section aria-labelledby="live-heading" className="live-panel">
      <h2 id="live-heading">
        Live <span className="muted">{live ? '· updating' : '· connecting…'}</span>
      </h2>
      <dl className="details">
        <div>
          <dt>Status</dt>
          <dd data-live="status"><StatusBadge status={state.status} /></dd>
        </div>
        <div>
          <dt>Latency</dt>
          <dd data-live="latency">{state.latency_ms === null ? '—' : `${Math.round(state.latency_ms * 10) / 10} ms`}</dd>
        </div>
        <div>
          <dt>Block height</dt>
          <dd data-live="height">{state.height === null ? '—' : state.height.toLocaleString('en')}</dd>
        </div>
        <div>
          <dt>Connected since</dt>
          <dd>{when(state.connected_since)}</dd>
        </div>
      </dl>
      <h3>Problems</h3>
      {state.exceptions.length === 0 ? (
        <p className="muted" data-live="exceptions">None.</p>
      ) : (
        <ul data-live="exceptions">
          {state.exceptions.map((exception) => (
            <li key={exception.kind}>
              <strong>{EXCEPTION_LABELS[exception.kind] ?? exception.kind}</strong> since {when(exception.since)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
