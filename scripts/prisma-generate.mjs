// `prisma generate` needs no schema engine, but the CLI insists that one exists on disk. The engine
// download is unreachable offline, so point it at any existing file (this script) to skip it.
// Two clients: lib/generated/prisma (SQLite) and lib/generated/prisma-pg (PostgreSQL), from the one
// schema source (scripts/prisma-schemas.mjs writes the PostgreSQL schema from the SQLite one).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { POSTGRES_SCHEMA, SQLITE_SCHEMA, writePostgresSchema } from "./prisma-schemas.mjs";

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
env.PRISMA_SCHEMA_ENGINE_BINARY ||= fileURLToPath(import.meta.url);
writePostgresSchema();
for (const schema of [SQLITE_SCHEMA, POSTGRES_SCHEMA]) {
  const result = spawnSync("npx", ["--no-install", "prisma", "generate", "--schema", schema], {
    stdio: "inherit",
    env,
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
