import { formatInteger } from '@/lib/dashboard/format';
import { hrefWith } from '@/lib/dashboard/search-params';

/** Previous / next links keeping the other query parameters; works without JavaScript. */
export function Pagination({
  path,
  query,
  page,
  totalPages,
  totalItems,
  pageParam = 'page',
  label = 'Pagination',
}: {
  path: string;
  query: Record<string, string | number | boolean | undefined | null>;
  page: number;
  totalPages: number;
  totalItems: number;
  pageParam?: string;
  label?: string;
}) {
  const link = (target: number) => hrefWith(path, { ...query, [pageParam]: target === 1 ? undefined : target });
  return (
    <nav className="pagination" aria-label={label}>
      {page > 1 ? <a href={link(1)}>« First</a> : <span aria-hidden="true" className="disabled">« First</span>}
      {page > 1 ? <a href={link(page - 1)} rel="prev">‹ Previous</a> : <span aria-hidden="true" className="disabled">‹ Previous</span>}
      <span aria-current="page">
        Page {formatInteger(page)} of {formatInteger(Math.max(totalPages, 1))} ({formatInteger(totalItems)} in all)
      </span>
      {page < totalPages ? <a href={link(page + 1)} rel="next">Next ›</a> : <span aria-hidden="true" className="disabled">Next ›</span>}
      {page < totalPages ? <a href={link(totalPages)}>Last »</a> : <span aria-hidden="true" className="disabled">Last »</span>}
    </nav>
  );
}
