import type { AuditQuery } from "@/lib/audit-log";

/** The filter form: a GET form, so a filtered view is a link that can be shared and paged. */
export function AuditFilters({ q, actions }: { q: AuditQuery; actions: string[] }) {
  return (
    <form className="panel row" method="get" aria-label="Filters" style={{ alignItems: "end" }}>
      <div className="field" style={{ flex: "1 1 220px" }}>
        <label htmlFor="audit-q">Search</label>
        <input id="audit-q" type="search" name="q" defaultValue={q.q ?? ""} placeholder="alice, docker1, issued…" />
      </div>
      <div className="field">
        <label htmlFor="audit-action">Action</label>
        <select id="audit-action" name="action" defaultValue={q.action ?? ""} style={{ width: "auto" }}>
          <option value="">All actions</option>
          {actions.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="audit-actor">Actor</label>
        <input id="audit-actor" type="search" name="actor" defaultValue={q.actor ?? ""} style={{ width: 160 }} />
      </div>
      <div className="field">
        <label htmlFor="audit-from">From</label>
        <input id="audit-from" type="date" name="from" defaultValue={q.from ?? ""} style={{ width: "auto" }} />
      </div>
      <div className="field">
        <label htmlFor="audit-to">To</label>
        <input id="audit-to" type="date" name="to" defaultValue={q.to ?? ""} style={{ width: "auto" }} />
      </div>
      <button type="submit" className="secondary">
        Filter
      </button>
    </form>
  );
}
