import type { ReactNode } from 'react';
import { ScrollTable } from '../_components/scroll-table';

/** The outcome of the last action: a status notice or an error alert. */
export function Feedback({ notice, error }: { notice: string | null; error: string | null }) {
  return (
    <>
      {notice && <p role="status" className="notice">{notice}</p>}
      {error && <p className="form-error" role="alert">{error}</p>}
    </>
  );
}

/** A captioned table with column headers and a row saying `empty` when there are no rows. */
export function ListTable({ caption, columns, empty, isEmpty, children }: {
  caption: string;
  columns: (string | { label: string; numeric: true })[];
  empty: string;
  isEmpty: boolean;
  children: ReactNode;
}) {
  return (
    <ScrollTable caption={caption}>
        <thead>
          <tr>
            {columns.map((column) =>
              typeof column === 'string' ? <th key={column} scope="col">{column}</th> : <th key={column.label} scope="col" className="num">{column.label}</th>,
            )}
          </tr>
        </thead>
        <tbody>
          {isEmpty && (
            <tr>
              <td colSpan={columns.length} className="muted">{empty}</td>
            </tr>
          )}
          {children}
        </tbody>
    </ScrollTable>
  );
}
