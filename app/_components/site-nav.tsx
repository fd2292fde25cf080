export const NAV_LINKS: { href: string; label: string }[] = [
  { href: '/', label: 'Overview' },
  { href: '/nodes', label: 'Nodes' },
  { href: '/leaderboard', label: 'Leaderboard' },
  { href: '/countries', label: 'Countries' },
  { href: '/stats', label: 'Statistics' },
  { href: '/account', label: 'Account' },
];

/** The main navigation: every dashboard page (plain links, so it works without JavaScript). */
export function SiteNav() {
  return (
    <nav aria-label="Main" className="site-nav">
      <ul>
        {NAV_LINKS.map((link) => (
          <li key={link.href}>
            <a href={link.href}>{link.label}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
