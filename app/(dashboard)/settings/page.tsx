import type { Metadata } from "next";
import { RowAction } from "@/app/_components/row-action";
import { TableScroll } from "@/app/_components/table-scroll";
import { listAdmins } from "@/lib/admins";
import { PASSWORD_MIN } from "@/lib/admins.schema";
import { listApiTokens } from "@/lib/api-tokens";
import { can, refusal } from "@/lib/auth/authorize";
import { untrustedProxySeen } from "@/lib/auth/client-address";
import { requireAdmin } from "@/lib/auth/current";
import { formatDateTime } from "@/lib/dates";
import { readSettings } from "@/lib/settings";
import { removeAdminAction, revokeTokenAction } from "./actions";
import { AddAdminForm } from "./add-admin-form";
import { AlertChannels } from "./alert-channels";
import { CreateTokenForm } from "./create-token-form";
import { RoleForm } from "./role-form";
import { SettingsForm } from "./settings-form";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const me = await requireAdmin();
  const proxy = untrustedProxySeen();
  const now = new Date();
  const manage = { settings: can(me, "settings"), admins: can(me, "admins"), tokens: can(me, "tokens") };
  const [admins, tokens, { settings, problems }] = await Promise.all([
    manage.admins ? listAdmins() : [],
    manage.tokens ? listApiTokens() : [],
    readSettings(),
  ]);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Settings</h1>
          <p>Bundle defaults, renewal and enrollment, alerts, admins, and API tokens for automation.</p>
        </div>
      </div>

      <section className="panel" aria-labelledby="defaults-h">
        <h2 id="defaults-h">Defaults</h2>
        {proxy ? (
          <p className="notice warn" data-testid="untrusted-proxy">
            Requests from {proxy} carry X-Forwarded-For, but {proxy} is not in DOCKPKI_TRUSTED_PROXIES: every client
            behind it is throttled and logged as {proxy}, and HTTPS behind it is not recognised. Add it to that variable
            and restart dockpki.
          </p>
        ) : null}
        {problems.map((p) => (
          <p key={p.key} className="notice warn" data-testid={`setting-problem-${p.key}`}>
            {p.key}: {p.message}
          </p>
        ))}
        {manage.settings ? (
          <SettingsForm settings={settings} />
        ) : (
          <>
            <p className="notice" data-testid="settings-read-only">
              {refusal(me, "settings")} You can read them here.
            </p>
            <fieldset className="plain" disabled>
              <SettingsForm settings={settings} />
            </fieldset>
          </>
        )}
      </section>

      {manage.settings ? <AlertChannels /> : null}

      {manage.admins ? (
        <section className="panel" aria-labelledby="admins-h">
          <h2 id="admins-h">Admins</h2>
          <TableScroll label="Accounts" style={{ marginBottom: 16 }}>
            <table>
              <thead>
                <tr>
                  <th>Username</th>
                  <th>Role</th>
                  <th>Created</th>
                  <th>Last sign-in</th>
                  <th>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {admins.map((a) => (
                  <tr key={a.id}>
                    <td>
                      {a.username} {a.id === me.id ? <span className="badge">you</span> : null}
                    </td>
                    <td>
                      <RoleForm id={a.id} username={a.username} role={a.role} />
                    </td>
                    <td>{formatDateTime(a.createdAt)}</td>
                    <td>{formatDateTime(a.lastLoginAt)}</td>
                    <td>
                      {admins.length > 1 ? (
                        <RowAction
                          action={removeAdminAction}
                          id={a.id}
                          label="Remove"
                          confirm={`Remove admin ${a.username}?`}
                        />
                      ) : (
                        <span className="muted">last admin</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          <AddAdminForm minLength={PASSWORD_MIN} />
        </section>
      ) : null}

      {manage.tokens ? (
        <section className="panel" aria-labelledby="tokens-h">
          <h2 id="tokens-h">API tokens</h2>
          <p className="muted">
            For <code>/api/v1</code>: send <code>Authorization: Bearer &lt;token&gt;</code>. Only a hash of each token
            is stored.
          </p>
          <TableScroll label="API token list" style={{ marginBottom: 16 }}>
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Token</th>
                  <th>Role or scope</th>
                  <th>Created</th>
                  <th>Last used</th>
                  <th>Expires</th>
                  <th>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.length === 0 ? (
                  <tr>
                    <td colSpan={7} className="empty">
                      No API tokens yet.
                    </td>
                  </tr>
                ) : (
                  tokens.map((t) => (
                    <tr key={t.id}>
                      <td>{t.name}</td>
                      <td className="mono">{t.prefix}…</td>
                      <td>{t.scope}</td>
                      <td>
                        {formatDateTime(t.createdAt)}
                        {t.createdBy ? <span className="muted"> by {t.createdBy.username}</span> : null}
                      </td>
                      <td>{formatDateTime(t.lastUsedAt)}</td>
                      <td>
                        {t.expiresAt ? (
                          <span className={t.expiresAt <= now ? "badge danger" : undefined}>
                            {t.expiresAt <= now ? "expired " : ""}
                            {formatDateTime(t.expiresAt)}
                          </span>
                        ) : (
                          "never"
                        )}
                      </td>
                      <td>
                        {t.revokedAt ? (
                          <span className="badge danger">revoked</span>
                        ) : (
                          <RowAction
                            action={revokeTokenAction}
                            id={t.id}
                            label="Revoke"
                            confirm={`Revoke token ${t.name}?`}
                          />
                        )}
                      </td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </TableScroll>
          <CreateTokenForm />
        </section>
      ) : null}
    </>
  );
}
