'use client';

import 'swagger-ui-dist/swagger-ui.css';
import './api-docs.css';
import { useEffect, useRef, useState } from 'react';

/** Swagger UI mounted in a div once its chunk has loaded (it touches the DOM, so only in the browser). */
export function ApiDocsViewer({ specUrl }: { specUrl: string }) {
  const container = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    import('swagger-ui-dist/swagger-ui-es-bundle.js')
      .then(({ default: SwaggerUIBundle }) => {
        if (cancelled || !container.current) return;
        SwaggerUIBundle({
          url: specUrl,
          domNode: container.current,
          // Deep links would nest a link in each operation's toggle button (axe: nested-interactive, target-size).
          deepLinking: false,
          // No badge fetched from validator.swagger.io: nothing leaves this origin.
          validatorUrl: null,
          displayRequestDuration: true,
          tryItOutEnabled: false,
          defaultModelsExpandDepth: 0,
        });
      })
      .catch((error: Error) => setFailed(error.message));
    return () => {
      cancelled = true;
    };
  }, [specUrl]);
  return (
    <div className="api-docs">
      {failed ? <p role="alert">The API documentation viewer failed to load: {failed}</p> : null}
      <div ref={container} data-testid="swagger-ui" />
    </div>
  );
}
