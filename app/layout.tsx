import type { Metadata } from "next";
import { cookies } from "next/headers";
import type { ReactNode } from "react";
import { parseTheme, THEME_COOKIE, themeAttribute } from "./_lib/theme";
import "./globals.css";

// Every page depends on the session and the database: nothing is prerendered at build time.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "dockpki", template: "%s · dockpki" },
  description: "Certificates for Docker daemons and their clients",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Read on the server so the first paint already has the chosen scheme (no flash of the other one).
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <html lang="en" data-theme={themeAttribute(theme)}>
      <body>{children}</body>
    </html>
  );
}
