import { formatInteger, formatUnix } from '@/lib/dashboard/format';
import type { ConnectionState } from '@/lib/nodes/connection-state';

/** The crawler's connection state of a node (point detail): attempts, failures, backoff, next retry. */
export function ConnectionPanel({ connection }: { connection: ConnectionState | null }) {
  if (!connection) return null;
  const nextRetry = connection.retry_requested
    ? 'Next crawl pass (retry requested)'
    : connection.next_retry === null
      ? 'Next crawl pass'
      : `${formatUnix(connection.next_retry)}${connection.backing_off ? ' (backing off)' : ''}`;
  const rows: [string, string][] = [
    ['Last attempt', formatUnix(connection.last_attempt)],
    ['Last success', formatUnix(connection.last_success)],
    ['Failures in a row', formatInteger(connection.consecutive_failures)],
    ['Next retry', nextRetry],
    ['Last error', connection.last_error_class ? `${connection.last_error_class} (${formatUnix(connection.last_error_at)})` : '—'],
  ];
  return (
    <section aria-labelledby="connection-heading">
      <h2 id="connection-heading">Connection</h2>
      <dl className="details" data-testid="connection-state">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
