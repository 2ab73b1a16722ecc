/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native module, pg (whose optional pg-native a bundler cannot resolve) and the Prisma driver adapters stay
  // outside the server bundle.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "pg", "@prisma/adapter-pg"],
  poweredByHeader: false,
  experimental: {
    serverActions: { bodySizeLimit: "1mb" },
    // proxy.ts sees a copy of every body; scripts/server.mjs already refuses anything larger.
    proxyClientMaxBodySize: "1mb",
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          // The dashboard is never framed (clickjacking) and never leaks its URLs to other sites.
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Content-Type-Options", value: "nosniff" },
        ],
      },
      // Pages get their Content-Security-Policy, with a nonce per response, from proxy.ts. What the
      // API serves (JSON, PEM, zips) is never a document that may run or load anything.
      {
        source: "/api/:path*",
        headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" }],
      },
    ];
  },
};

export default nextConfig;
