import { RowAction } from "@/app/_components/row-action";
import { TableScroll } from "@/app/_components/table-scroll";
import { formatDateTime } from "@/lib/dates";
import { deliveryBacklog, listAlertChannels } from "@/lib/monitoring/alert-channels";
import { MAX_ATTEMPTS } from "@/lib/monitoring/alert-deliver";
import { deleteAlertChannelAction, runAlertsAction, testAlertChannelAction, toggleAlertChannelAction } from "./actions";
import { AddAlertChannelForm } from "./add-alert-channel-form";
import { ChannelAction } from "./channel-action";

const TYPE = { webhook: "Webhook", slack: "Slack-compatible", email: "Email" } as const;

/** The alert channels: where they send, how the last sends went, what waits for a retry. */
export async function AlertChannels() {
  const [channels, backlog] = await Promise.all([listAlertChannels(), deliveryBacklog()]);
  return (
    <section className="panel" aria-labelledby="alerts-h">
      <h2 id="alerts-h">Alert channels</h2>
      <p className="muted">
        Every hour (and when dockpki starts) certificates and CAs crossing the thresholds above, expiries, failed or
        overdue renewals, daemons serving the wrong certificate and stalled CA rotations alert once each, grouped into
        one message per channel. A failed send is retried after 1, 5, 15, 60, 180 and 360 minutes.
      </p>
      <TableScroll label="Alert channel list" style={{ marginBottom: 16 }}>
        <table data-testid="alert-channels">
          <thead>
            <tr>
              <th>Name</th>
              <th>Sends to</th>
              <th>Last send</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {channels.length === 0 ? (
              <tr>
                <td colSpan={4} className="empty">
                  No alert channels yet: nothing tells you before a certificate expires.
                </td>
              </tr>
            ) : (
              channels.map((c) => {
                const waiting = backlog.get(c.id);
                return (
                  <tr key={c.id} data-testid={`alert-channel-${c.name}`}>
                    <td>
                      {c.name} <span className="badge">{TYPE[c.type]}</span>
                      {c.enabled ? null : <span className="badge warn"> off</span>}
                      {c.signed ? <span className="badge"> signed</span> : null}
                    </td>
                    <td className="mono">
                      {c.smtp ? `${c.smtp.to.join(", ")} via ${c.smtp.host}:${c.smtp.port}` : `${c.url}/…`}
                    </td>
                    <td>
                      {c.lastAttemptAt ? (
                        c.lastError ? (
                          <span className="field-error">
                            {formatDateTime(c.lastAttemptAt)}: {c.lastError}
                          </span>
                        ) : (
                          <span>{formatDateTime(c.lastAttemptAt)}: accepted</span>
                        )
                      ) : (
                        <span className="muted">never</span>
                      )}
                      {waiting?.retrying ? (
                        <p className="muted" data-testid="alert-retrying">
                          {waiting.retrying} alert(s) waiting: attempt {waiting.attempts + 1} of {MAX_ATTEMPTS} at{" "}
                          {formatDateTime(waiting.nextAttemptAt)}
                        </p>
                      ) : null}
                      {waiting?.failed ? (
                        <p className="field-error">
                          Gave up on {waiting.failed} alert(s) after {MAX_ATTEMPTS} attempts; the audit log lists them.
                        </p>
                      ) : null}
                    </td>
                    <td>
                      <div className="row">
                        <ChannelAction action={testAlertChannelAction} id={c.id} label="Send a test" />
                        <ChannelAction
                          action={toggleAlertChannelAction}
                          id={c.id}
                          label={c.enabled ? "Turn off" : "Turn on"}
                          fields={{ enabled: String(!c.enabled) }}
                        />
                        <RowAction
                          action={deleteAlertChannelAction}
                          id={c.id}
                          label="Delete"
                          confirm={`Delete the alert channel ${c.name}?`}
                        />
                      </div>
                    </td>
                  </tr>
                );
              })
            )}
          </tbody>
        </table>
      </TableScroll>
      <div className="row" style={{ marginBottom: 16 }}>
        <ChannelAction action={runAlertsAction} label="Run the check now" testId="run-alerts" />
      </div>
      <AddAlertChannelForm />
    </section>
  );
}
