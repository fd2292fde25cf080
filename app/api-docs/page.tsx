import type { Metadata } from 'next';
import { ApiDocsViewer } from './api-docs-viewer';

export const metadata: Metadata = { title: 'API documentation' };

/**
 * /api-docs: public/openapi.yaml in Swagger UI (the swagger-ui-dist package, bundled into
 * our own chunks: nothing from a CDN), with "Try it out" against this site (the spec's
 * server is "/"). Its script loads under the page's nonce CSP like every other chunk.
 */
export default function ApiDocsPage() {
  return (
    <>
      <h1>API documentation</h1>
      <p>
        Every route of the JSON API, from <a href="/openapi.yaml">openapi.yaml</a> (OpenAPI 3.1). “Try it out” sends real
        requests to this site: anonymous calls count against the per-IP rate limit; account routes use your session.
      </p>
      <ApiDocsViewer specUrl="/openapi.yaml" />
    </>
  );
}
