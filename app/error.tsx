'use client';

import { ErrorNotice } from './_components/error-notice';

/** A page that failed to render: shown inside the site layout (header, navigation, main landmark) with a retry. */
export default function PageError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorNotice error={error} retry={retry} />;
}
