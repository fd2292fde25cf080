import type { Metadata } from 'next';
import { LiveEventFeed } from '../_components/live-event-feed';
import { InputError } from '../_components/input-error';
import { EVENT_LABELS } from '@/lib/dashboard/event-labels';
import { parseSearchParams, type RawSearchParams } from '@/lib/dashboard/search-params';
import { getSql } from '@/lib/db/client';
import { getEvents } from '@/lib/events/api';
import { eventsQuerySchema } from '@/lib/events/schemas';
import { EVENT_TYPES } from '@/lib/events/types';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Live events' };

export default async function EventsPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const raw = await searchParams;
  const query = parseSearchParams(eventsQuerySchema, raw);
  if (!query.ok) {
    return (
      <>
        <h1>Live events</h1>
        <InputError issues={query.issues} resetHref="/events" />
      </>
    );
  }
  const { events } = await getEvents(getSql(), { ...query.data, limit: Math.min(query.data.limit, 100), after: undefined, before: undefined });
  const filter = new URLSearchParams();
  const type = typeof raw.type === 'string' ? raw.type : '';
  const node = typeof raw.node === 'string' ? raw.node : '';
  if (type) filter.set('type', type);
  if (node) filter.set('node', node);
  return (
    <>
      <h1>Live events</h1>
      <p className="muted">Nodes going up and down, version and tier changes, nodes falling behind and their problems, as the monitor sees them. New events appear at the top without reloading.</p>
      <form method="get" className="filters">
        <label>
          Event
          <select name="type" defaultValue={type}>
            <option value="">All</option>
            {EVENT_TYPES.map((eventType) => (
              <option key={eventType} value={eventType}>{EVENT_LABELS[eventType]}</option>
            ))}
          </select>
        </label>
        <label>
          Node (id or ip-port)
          <input name="node" defaultValue={node} placeholder="203.0.113.5-8333" />
        </label>
        <button type="submit">Filter</button>
      </form>
      <LiveEventFeed initial={events} filter={filter.toString()} limit={100} caption="Newest events first" />
    </>
  );
}
