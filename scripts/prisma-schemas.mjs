// prisma/schema.prisma (SQLite) is the one schema source. Prisma needs one schema file per provider, so the
// PostgreSQL schema is written from it here: the same models, another provider and another client output. The
// written file is committed (its migrations are made from it); lib/migrate.test.ts fails when it is stale.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
export const SQLITE_SCHEMA = path.join(root, "prisma", "schema.prisma");
export const POSTGRES_SCHEMA = path.join(root, "prisma", "postgresql", "schema.prisma");

const HEADER =
  "// GENERATED from prisma/schema.prisma by scripts/prisma-schemas.mjs (npm install and npm run migrate:create\n" +
  "// run it): edit that file, never this one. It differs only in the provider and the client's output.\n";

/** The PostgreSQL schema for a SQLite schema text. Throws when the source no longer has the lines it replaces. */
export function postgresSchema(sqlite) {
  const replace = (text, from, to) => {
    if (!text.includes(from)) throw new Error(`prisma/schema.prisma no longer contains ${JSON.stringify(from)}`);
    return text.replace(from, to);
  };
  let text = replace(sqlite, 'provider = "sqlite"', 'provider = "postgresql"');
  text = replace(text, 'output   = "../lib/generated/prisma"', 'output   = "../../lib/generated/prisma-pg"');
  return HEADER + text;
}

export function writePostgresSchema() {
  const text = postgresSchema(readFileSync(SQLITE_SCHEMA, "utf8"));
  let current = null;
  try {
    current = readFileSync(POSTGRES_SCHEMA, "utf8");
  } catch {}
  if (current !== text) writeFileSync(POSTGRES_SCHEMA, text);
  return current !== text;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(
    writePostgresSchema() ? "Wrote prisma/postgresql/schema.prisma" : "prisma/postgresql/schema.prisma is up to date",
  );
}
