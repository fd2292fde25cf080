'use client';

import { ErrorNotice } from './_components/error-notice';
import { SiteFooter, SiteHeader } from './_components/site-chrome';
import './globals.css';

/** The root layout itself failed: the same page frame (language, title, header, main landmark) rebuilt here. */
export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <head>
        <title>Something went wrong · Peerscope</title>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
      </head>
      <body>
        <SiteHeader />
        <main id="content" tabIndex={-1}>
          <ErrorNotice error={error} retry={retry} />
        </main>
        <SiteFooter />
      </body>
    </html>
  );
}
