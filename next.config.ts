import type { NextConfig } from 'next';
import { API_CSP, SECURITY_HEADERS } from './lib/http/security-headers';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Bitnodes v1 URLs end in a slash (/api/v1/snapshots/latest/): serve them as they are, no 308.
  skipTrailingSlashRedirect: true,
  // Server-only packages that must not be bundled.
  serverExternalPackages: ['postgres'],
  // The health route reports pending migrations, so serverless bundles need the SQL files.
  outputFileTracingIncludes: {
    '/api/health': ['./supabase/migrations/*.sql'],
  },
  // Every response; pages also get a nonce CSP from proxy.ts, API responses this strict one.
  async headers() {
    return [
      { source: '/:path*', headers: SECURITY_HEADERS },
      { source: '/api/:path*', headers: [{ key: 'Content-Security-Policy', value: API_CSP }] },
    ];
  },
};

export default nextConfig;
