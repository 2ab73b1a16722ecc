import { cookies } from "next/headers";
import Link from "next/link";
import type { ReactNode } from "react";
import { FlashNotice } from "@/app/_components/flash-notice";
import { SearchShortcut } from "@/app/_components/search-shortcut";
import { ThemeSwitch } from "@/app/_components/theme-switch";
import { parseTheme, THEME_COOKIE } from "@/app/_lib/theme";
import { requireAdmin } from "@/lib/auth/current";
import { masterKeyProblem } from "@/lib/startup";
import { logoutAction } from "./actions";
import { NavLinks } from "./nav-links";
import { Sidebar } from "./sidebar";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const admin = await requireAdmin();
  const keyProblem = masterKeyProblem();
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value) ?? "system";
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <SearchShortcut />
      <Sidebar>
        <NavLinks />
        <div className="sidebar-foot">
          <ThemeSwitch theme={theme} />
          <span>
            Signed in as{" "}
            <Link href="/account" aria-label={`Your account: ${admin.username}, ${admin.role}`}>
              <strong>{admin.username}</strong>
            </Link>{" "}
            <span className="badge" data-testid="role-badge">
              {admin.role}
            </span>
          </span>
          <form action={logoutAction}>
            <button type="submit" className="secondary small">
              Sign out
            </button>
          </form>
        </div>
      </Sidebar>
      <main className="main" id="main" tabIndex={-1}>
        {keyProblem ? (
          <p className="notice error" role="alert">
            {keyProblem}
          </p>
        ) : null}
        <FlashNotice />
        {children}
      </main>
    </div>
  );
}
