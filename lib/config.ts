import path from "node:path";

/** Where the SQLite database and the master key file live (DOCKPKI_DATA_DIR, default ./data). */
export function dataDir(): string {
  // Resolved at run time; the ignore comment keeps the bundler from tracing the whole project.
  return path.resolve(/*turbopackIgnore: true*/ process.env.DOCKPKI_DATA_DIR || "data");
}

export function databasePath(): string {
  return path.join(dataDir(), "dockpki.db");
}

export type DatabaseProvider = "sqlite" | "postgresql";

/**
 * Which database: PostgreSQL when DATABASE_URL is a postgresql:// (or postgres://) URL, otherwise the
 * SQLite file in the data directory. Any other DATABASE_URL is refused rather than ignored.
 */
export function databaseProvider(): DatabaseProvider {
  const url = process.env.DATABASE_URL;
  if (!url) return "sqlite";
  if (/^postgres(ql)?:\/\//i.test(url)) return "postgresql";
  throw new Error(
    "DATABASE_URL must be a postgresql:// URL (e.g. postgresql://dockpki:PASSWORD@db.example:5432/dockpki); " +
      "leave it unset to use SQLite in the data directory.",
  );
}

/** The PostgreSQL URL (DATABASE_URL); throws when dockpki runs on SQLite. */
export function postgresUrl(): string {
  if (databaseProvider() !== "postgresql") throw new Error("dockpki is not configured for PostgreSQL.");
  return process.env.DATABASE_URL as string;
}

/** Where the database is, for messages: the SQLite file, or the PostgreSQL server and database (never a password). */
export function databaseLabel(): string {
  if (databaseProvider() === "sqlite") return databasePath();
  const url = new URL(postgresUrl());
  return `PostgreSQL database ${decodeURIComponent(url.pathname.slice(1)) || "(default)"} on ${url.hostname}:${url.port || 5432}`;
}

/**
 * The master key file: DOCKPKI_MASTER_KEY_FILE, or master.key in the data directory. (DOCKPKI_MASTER_KEY, the key
 * itself, wins over both.)
 */
export function masterKeyPath(): string {
  const file = process.env.DOCKPKI_MASTER_KEY_FILE;
  return file ? path.resolve(/*turbopackIgnore: true*/ file) : path.join(dataDir(), "master.key");
}

/** The committed migrations of the database in use, applied at start-up (the server and the CLI run from the project root). */
export function migrationsDir(provider: DatabaseProvider = databaseProvider()): string {
  const prisma = path.join(/*turbopackIgnore: true*/ process.cwd(), "prisma");
  return provider === "postgresql" ? path.join(prisma, "postgresql", "migrations") : path.join(prisma, "migrations");
}
