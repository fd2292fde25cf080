import type { NextConfig } from 'next';

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
};

export default nextConfig;
