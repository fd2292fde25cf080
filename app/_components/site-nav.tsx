'use client';

import { usePathname } from 'next/navigation';

export const NAV_LINKS: { href: string; label: string }[] = [
  { href: '/', label: 'Overview' },
  { href: '/nodes', label: 'Nodes' },
  { href: '/leaderboard', label: 'Leaderboard' },
  { href: '/countries', label: 'Countries' },
  { href: '/stats', label: 'Statistics' },
  { href: '/propagation', label: 'Propagation' },
  { href: '/events', label: 'Events' },
  { href: '/api-docs', label: 'API' },
  { href: '/account', label: 'Account' },
];

function isCurrent(pathname: string, href: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}

/** The main navigation: every dashboard page as a plain link; the current section is marked. */
export function SiteNav() {
  const pathname = usePathname() ?? '';
  return (
    <nav aria-label="Main" className="site-nav">
      <ul>
        {NAV_LINKS.map((link) => (
          <li key={link.href}>
            <a href={link.href} aria-current={isCurrent(pathname, link.href) ? 'page' : undefined}>{link.label}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
