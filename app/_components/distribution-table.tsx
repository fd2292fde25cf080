import { formatInteger, formatPercent } from '@/lib/dashboard/format';
import { ScrollTable } from './scroll-table';

/** A distribution (key → count) as an accessible table with inline bars; the rest beyond `top` summed as "Others". */
export function DistributionTable({
  caption,
  keyHeader,
  counts,
  top = 12,
  labelFor = (key) => key,
  hrefFor,
}: {
  caption: string;
  keyHeader: string;
  counts: Record<string, number>;
  top?: number;
  labelFor?: (key: string) => string;
  hrefFor?: (key: string) => string | null;
}) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  const shown = entries.slice(0, top);
  const rest = entries.slice(top).reduce((sum, [, count]) => sum + count, 0);
  const rows = rest > 0 ? [...shown.map(([key, count]) => ({ key, count, others: false })), { key: 'Others', count: rest, others: true }] : shown.map(([key, count]) => ({ key, count, others: false }));
  return (
    <ScrollTable className="distribution" caption={caption}>
        <thead>
          <tr>
            <th scope="col">{keyHeader}</th>
            <th scope="col" className="num">Nodes</th>
            <th scope="col" className="share">Share</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={3} className="muted">No online nodes yet.</td>
            </tr>
          )}
          {rows.map((row) => {
            const share = total ? (row.count / total) * 100 : 0;
            const href = row.others ? null : (hrefFor?.(row.key) ?? null);
            const label = row.others ? `Others (${entries.length - top})` : labelFor(row.key);
            return (
              <tr key={row.key}>
                <th scope="row">{href ? <a href={href}>{label}</a> : label}</th>
                <td className="num">{formatInteger(row.count)}</td>
                <td className="share">
                  <span className="bar" style={{ width: `${share.toFixed(1)}%` }} aria-hidden="true" />
                  <span className="bar-label">{formatPercent(share)}</span>
                </td>
              </tr>
            );
          })}
        </tbody>
    </ScrollTable>
  );
}
