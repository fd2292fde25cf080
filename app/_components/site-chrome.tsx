import { SiteNav } from './site-nav';
import { ThemeToggle } from './theme-toggle';

/** The skip link and header every page has, the error pages included. */
export function SiteHeader() {
  return (
    <>
      <a className="skip-link" href="#content">Skip to content</a>
      <header className="site-header">
        <a className="brand" href="/">Peerscope</a>
        <SiteNav />
        <ThemeToggle />
      </header>
    </>
  );
}

export function SiteFooter() {
  return (
    <footer className="site-footer muted">
      Peerscope · <a href="/api/health">Health</a> · <a href="/openapi.yaml">API (OpenAPI)</a>
    </footer>
  );
}
