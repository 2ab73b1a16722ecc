import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDatabase, TEST_POSTGRES_ENV } from "@/lib/test-support/postgres";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Which database this test process runs on: PostgreSQL when the runner hands it a cluster (npm test does, twice). */
export const testDatabase: "sqlite" | "postgresql" = process.env[TEST_POSTGRES_ENV] ? "postgresql" : "sqlite";

/**
 * Points dockpki at a fresh data directory with a migrated database and a random master key. Call
 * it before importing any module that touches the database (lib/db.ts opens it on import). On the
 * PostgreSQL pass the database is a new one in the runner's throwaway cluster (DATABASE_URL), and
 * `databasePath` names a SQLite file that does not exist.
 */
export async function prepareTempDataDir(): Promise<{
  dir: string;
  databasePath: string;
  databaseUrl: string | null;
  cleanup: () => void;
}> {
  const dir = mkdtempSync(path.join(tmpdir(), "dockpki-test-"));
  process.env.DOCKPKI_DATA_DIR = dir;
  process.env.DOCKPKI_MASTER_KEY = randomBytes(32).toString("base64");
  const databasePath = path.join(dir, "dockpki.db");
  const cluster = process.env[TEST_POSTGRES_ENV];
  if (cluster) {
    const databaseUrl = await createDatabase(cluster, "test");
    process.env.DATABASE_URL = databaseUrl;
    const { applyPostgresMigrations } = await import("@/lib/migrate");
    await applyPostgresMigrations({
      url: databaseUrl,
      migrationsDir: path.join(repoRoot, "prisma", "postgresql", "migrations"),
    });
    return { dir, databasePath, databaseUrl, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }
  delete process.env.DATABASE_URL;
  const { applyMigrations } = await import("@/lib/migrate");
  applyMigrations({ databasePath, migrationsDir: path.join(repoRoot, "prisma", "migrations") });
  return { dir, databasePath, databaseUrl: null, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
