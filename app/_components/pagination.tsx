import Link from "next/link";
import { listHref } from "@/app/_components/list-href";

/** Previous/next links that keep the current filters in the query string. */
export function Pagination({
  page,
  pageSize,
  total,
  basePath,
  params,
}: {
  page: number;
  pageSize: number;
  total: number;
  basePath: string;
  params: Record<string, string | undefined>;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const href = (p: number) => listHref(basePath, { ...params, page: String(p) });
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <nav className="row" aria-label="Pagination" style={{ justifyContent: "space-between", marginTop: 12 }}>
      <span className="muted">
        {first}–{last} of {total}
      </span>
      <span className="row">
        {page > 1 ? (
          <Link className="button secondary small" href={href(page - 1)}>
            ← Previous
          </Link>
        ) : null}
        <span className="muted">
          Page {Math.min(page, pages)} of {pages}
        </span>
        {page < pages ? (
          <Link className="button secondary small" href={href(page + 1)}>
            Next →
          </Link>
        ) : null}
      </span>
    </nav>
  );
}
