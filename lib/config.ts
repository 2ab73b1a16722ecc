import path from "node:path";

/** Where the SQLite database and the master key file live (DOCKPKI_DATA_DIR, default ./data). */
export function dataDir(): string {
  // Resolved at run time; the ignore comment keeps the bundler from tracing the whole project.
  return path.resolve(/*turbopackIgnore: true*/ process.env.DOCKPKI_DATA_DIR || "data");
}

export function databasePath(): string {
  return path.join(dataDir(), "dockpki.db");
}

export function masterKeyPath(): string {
  return path.join(dataDir(), "master.key");
}

/** The committed migrations, applied at start-up (the server and the CLI run from the project root). */
export function migrationsDir(): string {
  return path.join(/*turbopackIgnore: true*/ process.cwd(), "prisma", "migrations");
}
