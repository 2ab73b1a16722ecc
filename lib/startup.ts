import "server-only";
import { trustedProxies } from "@/lib/auth/client-address";
import { databaseLabel, databasePath, databaseProvider, masterKeyPath, migrationsDir, postgresUrl } from "@/lib/config";
import { checkMasterKey, ensureMasterKey } from "@/lib/crypto/key-check";
import { MasterKeyError, masterKeyRequiredProblem } from "@/lib/crypto/master-key";
import { secureDataDir } from "@/lib/data-dir";
import { db } from "@/lib/db";
import { StartupError } from "@/lib/errors";
import { applyMigrations, applyPostgresMigrations, checkDatabaseIntegrity } from "@/lib/migrate";

const state = globalThis as unknown as { dockpkiKeyProblem?: string | null };

const RESTORE_HINT =
  "Restore the latest backup (stop dockpki, then: dockpki restore BACKUP.zip --force), or move the file aside to start with an empty database.";

async function prepareDatabase(): Promise<void> {
  const postgres = databaseProvider() === "postgresql";
  const where = databaseLabel();
  let applied: string[];
  try {
    applied = postgres
      ? (await applyPostgresMigrations({ url: postgresUrl(), migrationsDir: migrationsDir() })).applied
      : applyMigrations({ databasePath: databasePath(), migrationsDir: migrationsDir() }).applied;
  } catch (err) {
    const hint = postgres ? "Check DATABASE_URL and that the server answers." : RESTORE_HINT;
    throw new StartupError(`the database ${where} cannot be used: ${(err as Error).message}. ${hint}`, {
      cause: err,
    });
  }
  if (applied.length > 0) console.info(`dockpki: applied ${applied.length} migration(s): ${applied.join(", ")}`);
  // PostgreSQL checks its own pages; SQLite's file gets a quick look at each start.
  if (postgres) return;
  const damage = checkDatabaseIntegrity(databasePath());
  if (damage) throw new StartupError(`the database ${where} is damaged (SQLite reports: ${damage}). ${RESTORE_HINT}`);
}

/**
 * Runs once when the server (or the CLI) starts: configuration, the data directory's modes,
 * migrations and an integrity check, then the master key. What makes dockpki unusable throws a
 * StartupError whose message says what to do; the server then exits non-zero. `keyOptional` (the
 * CLI's backup) records a missing key as a problem instead of refusing.
 */
export async function prepareServer(opts: { keyOptional?: boolean } = {}): Promise<void> {
  try {
    try {
      trustedProxies();
    } catch (err) {
      throw new StartupError((err as Error).message);
    }
    let provider: ReturnType<typeof databaseProvider>;
    try {
      provider = databaseProvider();
    } catch (err) {
      throw new StartupError((err as Error).message);
    }
    // Before anything touches the database: an instance must not mint a key of its own beside others.
    const keyRequired = masterKeyRequiredProblem();
    if (keyRequired && !opts.keyOptional) throw new StartupError(keyRequired);
    if (provider === "sqlite") {
      for (const fixed of secureDataDir()) console.warn(`dockpki: ${fixed}: it was readable by other users`);
    }
    await prepareDatabase();
    try {
      const { created } = await ensureMasterKey();
      if (created) console.info(`dockpki: created the master key ${masterKeyPath()} (mode 0600); back it up`);
    } catch (err) {
      if (!(err instanceof MasterKeyError) || !opts.keyOptional) throw new StartupError((err as Error).message);
      state.dockpkiKeyProblem = err.message;
      return;
    }
    state.dockpkiKeyProblem = await checkMasterKey();
    if (state.dockpkiKeyProblem) console.error(`dockpki: ${state.dockpkiKeyProblem}`);
    // Rows from before the hash column only. The issuing code (with node-forge) is loaded when there are
    // some: a CLI command that issues nothing does not load it.
    if (await db.certificate.findFirst({ where: { publicKeySha256: null }, select: { id: true } })) {
      const { backfillPublicKeyHashes } = await import("@/lib/certificates/certificates");
      const hashed = await backfillPublicKeyHashes();
      console.info(`dockpki: recorded the public key hash of ${hashed} older certificate(s)`);
    }
  } catch (err) {
    if (err instanceof StartupError) console.error(`dockpki will not start: ${err.message}`);
    throw err;
  }
}

/** The master key problem found at start-up, if any, for the dashboard to show. */
export function masterKeyProblem(): string | null {
  return state.dockpkiKeyProblem ?? null;
}
