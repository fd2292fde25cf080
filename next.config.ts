import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Server-only packages that must not be bundled.
  serverExternalPackages: ['postgres', '@electric-sql/pglite', '@electric-sql/pglite-socket'],
  // The health route reports pending migrations, so serverless bundles need the SQL files.
  outputFileTracingIncludes: {
    '/api/health': ['./supabase/migrations/*.sql'],
  },
};

export default nextConfig;
