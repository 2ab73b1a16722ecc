import type { ListQuery } from "@/lib/list-query.schema";

/** Search, filter and sort of the inventory lists: a plain GET form, so every state is a URL. */
export function ListControls({ query, placeholder }: { query: ListQuery; placeholder: string }) {
  return (
    <form className="panel row" method="get" aria-label="Filters">
      <input
        type="search"
        name="q"
        defaultValue={query.q ?? ""}
        placeholder={placeholder}
        aria-label="Search"
        style={{ flex: "1 1 220px", width: "auto" }}
      />
      <select name="filter" defaultValue={query.filter} aria-label="Certificate filter" style={{ width: "auto" }}>
        <option value="all">All</option>
        <option value="never-issued">Never issued</option>
        <option value="valid">Valid certificate</option>
        <option value="expiring">Expiring within…</option>
        <option value="expired">Expired</option>
        <option value="revoked">Revoked</option>
      </select>
      <select name="days" defaultValue={String(query.days)} aria-label="Days" style={{ width: "auto" }}>
        {[7, 14, 30, 60, 90].map((d) => (
          <option key={d} value={d}>
            {d} days
          </option>
        ))}
      </select>
      <select name="sort" defaultValue={query.sort} aria-label="Sort" style={{ width: "auto" }}>
        <option value="name">Name A–Z</option>
        <option value="-name">Name Z–A</option>
        <option value="-created">Newest first</option>
        <option value="created">Oldest first</option>
      </select>
      <button type="submit" className="secondary">
        Apply
      </button>
    </form>
  );
}

export function queryParams(q: ListQuery): Record<string, string | undefined> {
  return { q: q.q, filter: q.filter, days: String(q.days), sort: q.sort };
}
