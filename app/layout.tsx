import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

// Every page depends on the session and the database: nothing is prerendered at build time.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "dockpki", template: "%s · dockpki" },
  description: "Certificates for Docker daemons and their clients",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
