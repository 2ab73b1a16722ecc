import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";
import { eachConnection } from "@/lib/db-connections";

// Prisma writes contains / startsWith / endsWith as LIKE without an ESCAPE clause, and SQLite's
// LIKE has no escape character unless one is named: a search for "_" matched every host. Every
// query passes through here on its way to the database and gains ESCAPE '\'; search values go
// through likeLiteral(), which escapes \, % and _. SQLite's LIKE ignores case (ASCII), PostgreSQL's
// does not: there the same patterns become ILIKE, so a search finds the same rows on both.

const PRISMA_LIKE = / LIKE \((?:'%' \|\| )?\?(?: \|\| '%')?\)/g;
const PRISMA_PG_LIKE = / LIKE (\((?:'%' \|\| )?\$\d+(?: \|\| '%')?\))/g;

export function withLikeEscape(sql: string, provider = "sqlite"): string {
  if (provider === "postgres") return sql.replace(PRISMA_PG_LIKE, " ILIKE $1 ESCAPE '\\'");
  return sql.replace(PRISMA_LIKE, "$& ESCAPE '\\'");
}

/** A value for contains / startsWith / endsWith that matches itself only. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}

function rewriting<T extends SqlDriverAdapter | Transaction>(queryable: T): T {
  return new Proxy(queryable, {
    get(target, prop, receiver) {
      if (prop === "queryRaw" || prop === "executeRaw") {
        return (query: SqlQuery) => target[prop]({ ...query, sql: withLikeEscape(query.sql, target.provider) });
      }
      if (prop === "startTransaction") {
        return async (...args: Parameters<SqlDriverAdapter["startTransaction"]>) =>
          rewriting(await (target as SqlDriverAdapter).startTransaction(...args));
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The adapter factory, with every connection it makes escaping LIKE patterns. */
export function likeEscapingAdapter<F extends SqlDriverAdapterFactory>(factory: F): F {
  return eachConnection(factory, rewriting);
}
