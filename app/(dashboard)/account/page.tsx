import type { Metadata } from "next";
import { RowAction } from "@/app/_components/row-action";
import { TableScroll } from "@/app/_components/table-scroll";
import { PASSWORD_MIN } from "@/lib/admins.schema";
import { listOwnSessions } from "@/lib/auth/account";
import { getSessionAdmin, requireAdmin } from "@/lib/auth/current";
import { ROLE_WORDS } from "@/lib/auth/roles";
import { formatDateTime } from "@/lib/dates";
import { endSessionAction } from "./actions";
import { ChangePasswordForm } from "./change-password-form";
import { EndOtherSessions } from "./end-other-sessions";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const me = await requireAdmin();
  const session = await getSessionAdmin();
  const sessions = await listOwnSessions(me.id, session?.sessionId ?? null);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Your account</h1>
          <p>
            Signed in as <strong>{me.username}</strong>, role <strong data-testid="my-role">{me.role}</strong> (
            {ROLE_WORDS[me.role].split(": ")[1]}).
          </p>
        </div>
      </div>

      <section className="panel" aria-labelledby="password-h">
        <h2 id="password-h">Change your password</h2>
        <ChangePasswordForm minLength={PASSWORD_MIN} />
      </section>

      <section className="panel" aria-labelledby="sessions-h">
        <h2 id="sessions-h">Your sessions</h2>
        <p className="muted">
          Every browser signed in as you. End one you do not recognise, then change your password.
        </p>
        <TableScroll label="Session list">
          <table>
            <thead>
              <tr>
                <th>Browser</th>
                <th>Address</th>
                <th>Signed in</th>
                <th>Last active</th>
                <th>Ends</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.ref} data-testid="session-row">
                  <td>
                    {s.userAgent ?? "unknown"} {s.current ? <span className="badge">this one</span> : null}
                  </td>
                  <td className="mono">{s.ip ?? "—"}</td>
                  <td>{formatDateTime(s.createdAt)}</td>
                  <td>{formatDateTime(s.lastSeenAt)}</td>
                  <td>{formatDateTime(s.expiresAt)}</td>
                  <td>
                    {s.current ? null : (
                      <RowAction action={endSessionAction} id={s.ref} label="End" confirm="End this session?" />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
        {sessions.length > 1 ? <EndOtherSessions /> : null}
      </section>
    </>
  );
}
