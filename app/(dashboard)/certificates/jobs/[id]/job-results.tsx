import { TableScroll } from "@/app/_components/table-scroll";
import { MAX_BUNDLES_PER_ZIP } from "@/lib/certificates/bundle-set";
import type { JobItemRow } from "@/lib/certificates/job-results";

/** What became of an item, in the admin's words: waiting, skipped after a cancel, re-issued... */
function itemState(item: JobItemRow, jobStatus: string): { label: string; tone: string } {
  if (item.status === "failed") return { label: "failed", tone: "danger" };
  if (item.status === "done") return item.new ? { label: "re-issued", tone: "ok" } : { label: "skipped", tone: "warn" };
  if (jobStatus === "running" || jobStatus === "queued") return { label: "waiting", tone: "" };
  return { label: jobStatus === "cancelled" ? "not re-issued (cancelled)" : "not re-issued", tone: "warn" };
}

/** One row per certificate of a bulk re-issue: who holds it, the serial it had and the one it got. */
export function JobResults({
  jobId,
  jobStatus,
  items,
  total,
  bundles,
  canDownload,
}: {
  /** False for a role that may not receive keys: no bundle links. */
  canDownload: boolean;
  jobId: string;
  jobStatus: string;
  items: JobItemRow[];
  total: number;
  bundles: number;
}) {
  return (
    <section className="panel">
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h2>Results</h2>
        {!canDownload ? null : bundles > MAX_BUNDLES_PER_ZIP ? (
          <span className="muted">
            {bundles} bundles: more than one zip holds ({MAX_BUNDLES_PER_ZIP}); download them from the rows below.
          </span>
        ) : bundles > 0 ? (
          <a className="button" href={`/api/v1/jobs/${jobId}/bundles.zip`} download>
            Download all bundles ({bundles})
          </a>
        ) : null}
      </div>
      <p className="muted">
        Each holder needs its new bundle installed. The zip holds one folder per holder, named after it, with the same
        files as its own bundle; certificates replaced or revoked since are left out.
      </p>
      <TableScroll label="Job items">
        <table data-testid="job-results">
          <thead>
            <tr>
              <th>Holder</th>
              <th>Old serial</th>
              <th>New serial</th>
              <th>Status</th>
              <th>Bundle</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => {
              const state = itemState(item, jobStatus);
              return (
                <tr key={item.id}>
                  <td>
                    {item.holder ? (
                      <a href={`/${item.holder.kind === "host" ? "hosts" : "clients"}/${item.holder.id}`}>
                        {item.holder.name}
                      </a>
                    ) : (
                      <span className="muted">deleted</span>
                    )}
                  </td>
                  <td className="mono">
                    {item.old ? <a href={`/certificates/${item.old.id}`}>{item.old.serial}</a> : "—"}
                  </td>
                  <td className="mono">
                    {item.new ? <a href={`/certificates/${item.new.id}`}>{item.new.serial}</a> : "—"}
                  </td>
                  <td>
                    <span className={`badge ${state.tone}`}>{state.label}</span>
                    {item.error ? <div className="muted">{item.error}</div> : null}
                  </td>
                  <td>
                    {item.new?.bundle && canDownload ? (
                      <a href={`/api/v1/certificates/${item.new.id}/bundle.zip`} download>
                        bundle.zip
                      </a>
                    ) : item.new ? (
                      <span className="muted">
                        {item.new.status === "active" ? "no key on record" : item.new.status}
                      </span>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
      {total > items.length ? (
        <p className="muted">
          Showing {items.length} of {total} certificates.
        </p>
      ) : null}
    </section>
  );
}
