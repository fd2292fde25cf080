/** Server-Sent Events framing (pure). */
import type { NodeEventJson } from './types';

/** One event: `id:` (for Last-Event-ID), `event:` its type, `data:` the JSON. */
export function sseEvent(event: NodeEventJson): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export function sseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

export function sseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.floor(ms))}\n\n`;
}
