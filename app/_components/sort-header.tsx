import Link from "next/link";
import { listHref } from "@/app/_components/list-href";
import type { SortDir } from "@/lib/list-query.schema";

/**
 * A column header that sorts the list: a link setting `sort` and `dir` (so it works without
 * JavaScript and every order is a URL). The sorted column carries aria-sort; a second click on it
 * reverses the direction.
 */
export function SortHeader({
  label,
  column,
  current,
  basePath,
  params,
  firstDir = "asc",
}: {
  label: string;
  column: string;
  current: { sort: string; dir: SortDir };
  basePath: string;
  params: Record<string, string | undefined>;
  firstDir?: SortDir;
}) {
  const sorted = current.sort === column;
  const dir = sorted ? (current.dir === "asc" ? "desc" : "asc") : firstDir;
  const href = listHref(basePath, { ...params, sort: column, dir, page: undefined });
  return (
    <th aria-sort={sorted ? (current.dir === "asc" ? "ascending" : "descending") : undefined}>
      <Link href={href} className="sort-link">
        {label}
        <span aria-hidden="true">{sorted ? (current.dir === "asc" ? " ▲" : " ▼") : ""}</span>
      </Link>
    </th>
  );
}
