import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Points dockpki at a fresh data directory with a migrated database and a random master key. Call
 * it before importing any module that touches the database (lib/db.ts opens the file on import).
 */
export async function prepareTempDataDir(): Promise<{ dir: string; databasePath: string; cleanup: () => void }> {
  const dir = mkdtempSync(path.join(tmpdir(), "dockpki-test-"));
  process.env.DOCKPKI_DATA_DIR = dir;
  process.env.DOCKPKI_MASTER_KEY = randomBytes(32).toString("base64");
  const { applyMigrations } = await import("@/lib/migrate");
  const databasePath = path.join(dir, "dockpki.db");
  applyMigrations({ databasePath, migrationsDir: path.join(repoRoot, "prisma", "migrations") });
  return { dir, databasePath, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
