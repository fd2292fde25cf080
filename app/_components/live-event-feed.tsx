'use client';

import { useEffect, useState } from 'react';
import type { NodeEventJson } from '@/lib/events/types';
import { describeEvent, EVENT_LABELS } from '@/lib/dashboard/event-labels';
import { nodePath } from '@/lib/dashboard/format';

/**
 * A table of events that grows live from GET /api/events/stream (EventSource
 * resumes by itself with Last-Event-ID after a drop). `initial` is the
 * server-rendered newest-first page; `filter` is the stream's query string.
 */
export function LiveEventFeed({ initial, filter = '', limit = 50, caption }: { initial: NodeEventJson[]; filter?: string; limit?: number; caption: string }) {
  const [events, setEvents] = useState(initial);
  const [live, setLive] = useState(false);
  useEffect(() => {
    const after = initial[0]?.id;
    const query = new URLSearchParams(filter);
    if (after) query.set('after', after);
    const source = new EventSource(`/api/events/stream?${query}`);
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(false);
    const onEvent = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as NodeEventJson;
      setEvents((current) => (current.some((known) => known.id === event.id) ? current : [event, ...current].slice(0, limit)));
    };
    for (const type of Object.keys(EVENT_LABELS)) source.addEventListener(type, onEvent);
    return () => source.close();
  }, [filter, limit, initial]);
  return (
    <div className="table-scroll">
      <table>
        <caption>
          {caption} <span className="muted">{live ? '· live' : '· connecting…'}</span>
        </caption>
        <thead>
          <tr>
            <th scope="col">When (UTC)</th>
            <th scope="col">Node</th>
            <th scope="col">Event</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody aria-live="polite">
          {events.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">No events yet. The monitor writes them as nodes go up and down.</td>
            </tr>
          )}
          {events.map((event) => (
            <tr key={event.id} data-event-type={event.type}>
              <td>{new Date(event.occurred_at * 1000).toISOString().replace('T', ' ').slice(0, 19)}</td>
              <td className="mono">{event.node ? <a href={nodePath(event.node)}>{event.node}</a> : event.node_id}</td>
              <td>{EVENT_LABELS[event.type]}</td>
              <td>{describeEvent(event)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
