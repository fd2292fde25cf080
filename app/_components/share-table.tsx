import type { ReactNode } from 'react';
import { formatInteger, formatPercent } from '@/lib/dashboard/format';
import { ScrollTable } from './scroll-table';

export interface ShareRow {
  key: string;
  label: ReactNode;
  count: number;
  /** percent (0–100) of the whole the table is about */
  share: number;
  href?: string | null;
}

/**
 * Rows with a count and a share of a given whole (not of the rows' sum: top-N lists and
 * flags a node can have several of), as a table with inline bars; the share is also text.
 */
export function ShareTable({ caption, keyHeader, rows, footer, empty = 'No online nodes yet.' }: {
  caption: string;
  keyHeader: string;
  rows: ShareRow[];
  footer?: ShareRow[];
  empty?: string;
}) {
  const line = (row: ShareRow, muted = false) => (
    <tr key={row.key} className={muted ? 'muted' : undefined}>
      <th scope="row">{row.href ? <a href={row.href}>{row.label}</a> : row.label}</th>
      <td className="num">{formatInteger(row.count)}</td>
      <td className="share">
        <span className="bar" style={{ width: `${Math.min(100, Math.max(0, row.share)).toFixed(1)}%` }} aria-hidden="true" />
        <span className="bar-label">{formatPercent(row.share)}</span>
      </td>
    </tr>
  );
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
            <td colSpan={3} className="muted">{empty}</td>
          </tr>
        )}
        {rows.map((row) => line(row))}
        {rows.length > 0 && footer?.filter((row) => row.count > 0).map((row) => line(row, true))}
      </tbody>
    </ScrollTable>
  );
}
