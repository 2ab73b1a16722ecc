import { FilterForm } from "@/app/_components/filter-form";
import type { ListQuery } from "@/lib/list-query.schema";

/**
 * Search and filter of the inventory lists: a plain GET form, so every state is a URL, applied on
 * change. The order comes from the column headers and is carried along.
 */
export function ListControls({ query, placeholder }: { query: ListQuery; placeholder: string }) {
  return (
    <FilterForm>
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
      <input type="hidden" name="sort" value={query.sort} />
      <input type="hidden" name="dir" value={query.dir} />
      <button type="submit" className="secondary">
        Apply
      </button>
    </FilterForm>
  );
}

/** The query a list's links keep: filters and order (paging is added by each link). */
export function queryParams(q: ListQuery): Record<string, string | undefined> {
  return { q: q.q, filter: q.filter, days: String(q.days), sort: q.sort, dir: q.dir };
}
