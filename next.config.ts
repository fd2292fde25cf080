import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Server-only packages that must not be bundled.
  serverExternalPackages: ['postgres', '@electric-sql/pglite', '@electric-sql/pglite-socket'],
};

export default nextConfig;
