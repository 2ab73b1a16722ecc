import type { ReactNode } from "react";
import { FlashNotice } from "@/app/_components/flash-notice";
import { requireAdmin } from "@/lib/auth/current";
import { masterKeyProblem } from "@/lib/startup";
import { logoutAction } from "./actions";
import { NavLinks } from "./nav-links";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const admin = await requireAdmin();
  const keyProblem = masterKeyProblem();
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          dock<span>pki</span>
        </div>
        <NavLinks />
        <div className="sidebar-foot">
          <span>
            Signed in as <strong>{admin.username}</strong>
          </span>
          <form action={logoutAction}>
            <button type="submit" className="secondary small">
              Sign out
            </button>
          </form>
        </div>
      </aside>
      <main className="main">
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
