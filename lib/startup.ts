import "server-only";
import { databasePath, migrationsDir } from "@/lib/config";
import { checkMasterKey } from "@/lib/crypto/key-check";
import { applyMigrations } from "@/lib/migrate";

const state = globalThis as unknown as { dockpkiKeyProblem?: string | null };

/** Runs once when the server (or the CLI) starts: migrations, then the master key check. */
export async function prepareServer(): Promise<void> {
  const { applied } = applyMigrations({
    databasePath: databasePath(),
    migrationsDir: migrationsDir(),
  });
  if (applied.length > 0) console.info(`dockpki: applied ${applied.length} migration(s): ${applied.join(", ")}`);
  state.dockpkiKeyProblem = await checkMasterKey();
  if (state.dockpkiKeyProblem) console.error(`dockpki: ${state.dockpkiKeyProblem}`);
}

/** The master key problem found at start-up, if any, for the dashboard to show. */
export function masterKeyProblem(): string | null {
  return state.dockpkiKeyProblem ?? null;
}
