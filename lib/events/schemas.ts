import { z } from 'zod';
import { nodeRefSchema } from '../api/node-ref';
import { EVENT_TYPES, type EventType } from './types';

const eventId = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const unix = z.coerce.number().int().min(0).max(32_503_680_000);

/** `type=node_down,node_up`: one or more event types, comma separated. */
const typesSchema = z
  .string()
  .trim()
  .max(400)
  .transform((raw, ctx): EventType[] => {
    const types = [...new Set(raw.split(',').map((part) => part.trim()).filter(Boolean))];
    const unknown = types.filter((type) => !(EVENT_TYPES as readonly string[]).includes(type));
    if (types.length === 0 || unknown.length) {
      ctx.addIssue({ code: 'custom', message: `must be a comma list of ${EVENT_TYPES.join(', ')}` });
      return z.NEVER;
    }
    return types as EventType[];
  });

/** An empty value (a form's "All" choice) is the same as no value. */
const blankIsAbsent = (value: unknown) => (value === '' ? undefined : value);

const filters = {
  type: z.preprocess(blankIsAbsent, typesSchema.optional()),
  node: z.preprocess(blankIsAbsent, nodeRefSchema.optional()),
  /** Unix seconds: events that occurred at or after. */
  since: unix.optional(),
};

/** GET /api/events: newest first, keyset paged by `before` (next_before), or oldest first after an id with `after`. */
export const eventsQuerySchema = z.object({
  ...filters,
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: eventId.optional(),
  after: eventId.optional(),
});
export type EventsQuery = z.infer<typeof eventsQuerySchema>;

/** GET /api/events/stream: filters, and where to resume (Last-Event-ID wins over `after`). */
export const eventStreamQuerySchema = z.object({ ...filters, after: eventId.optional() });
export type EventStreamQuery = z.infer<typeof eventStreamQuerySchema>;

/** The Last-Event-ID header: an event id, or absent/garbage (ignored). */
export function parseLastEventId(header: string | null): number | null {
  if (!header || !/^\d{1,15}$/.test(header.trim())) return null;
  return Number(header.trim());
}
