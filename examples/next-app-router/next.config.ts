import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // This app sits inside the kit's repository, which has a lockfile of its own: build from here.
  turbopack: { root: import.meta.dirname },
};

export default nextConfig;
