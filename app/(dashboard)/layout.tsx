import { cookies } from "next/headers";
import type { ReactNode } from "react";
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
      <Sidebar>
        <NavLinks />
        <div className="sidebar-foot">
          <ThemeSwitch theme={theme} />
          <span>
            Signed in as <strong>{admin.username}</strong>
          </span>
          <form action={logoutAction}>
            <button type="submit" className="secondary small">
              Sign out
            </button>
          </form>
        </div>
      </Sidebar>
      <main className="main">
        {keyProblem ? (
          <p className="notice error" role="alert">
            {keyProblem}
          </p>
        ) : null}
        {children}
      </main>
    </div>
  );
}
