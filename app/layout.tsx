import type { Metadata, Viewport } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { NONCE_HEADER } from '@/lib/http/security-headers';
import { SiteFooter, SiteHeader } from './_components/site-chrome';
import { THEME_STORAGE_KEY } from './_components/theme-script';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Peerscope', template: '%s · Peerscope' },
  description: 'Explore and track every reachable node of Bitcoin-family P2P networks.',
};

export const viewport: Viewport = {
  colorScheme: 'light dark',
  width: 'device-width',
  initialScale: 1,
};

/** Runs before first paint: the remembered theme, else the system's. */
const themeScript = `(function(){try{var t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});if(t!=='light'&&t!=='dark'){t=matchMedia('(prefers-color-scheme: dark)').matches?'dark':'light'}document.documentElement.dataset.theme=t}catch(e){}})()`;

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The CSP nonce proxy.ts made for this response (reading it renders every page per request).
  const nonce = (await headers()).get(NONCE_HEADER) ?? undefined;
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body>
        <SiteHeader />
        <main id="content" tabIndex={-1}>{children}</main>
        <SiteFooter />
      </body>
    </html>
  );
}
