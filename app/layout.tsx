import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Peerscope', template: '%s · Peerscope' },
  description: 'Explore and track every reachable node of Bitcoin-family P2P networks.',
};

export const viewport: Viewport = {
  colorScheme: 'light dark',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <a className="brand" href="/">Peerscope</a>
          <nav aria-label="Main">
            <a href="/api/health">Health</a>
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
