import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { databasePath, dataDir } from "@/lib/config";

// The data directory holds the admins' password hashes, the inventory and the sealed keys: only
// the account that runs dockpki may read it. SQLite gives its -wal, -shm and -journal files the
// mode of the database file, so a database created 0600 keeps its companions private too.

const DATABASE_FILES = ["", "-wal", "-shm", "-journal"];

/** Creates the data directory 0700 and the database file 0600, and tightens either when found open to others. */
export function secureDataDir(): string[] {
  const fixed: string[] = [];
  const dir = dataDir();
  mkdirSync(/*turbopackIgnore: true*/ dir, { recursive: true, mode: 0o700 });
  if ((statSync(/*turbopackIgnore: true*/ dir).mode & 0o077) !== 0) {
    chmodSync(/*turbopackIgnore: true*/ dir, 0o700);
    fixed.push(`${dir} (now 0700)`);
  }
  const database = databasePath();
  if (!existsSync(/*turbopackIgnore: true*/ database))
    closeSync(openSync(/*turbopackIgnore: true*/ database, "a", 0o600));
  for (const suffix of DATABASE_FILES) {
    const file = `${database}${suffix}`;
    if (existsSync(/*turbopackIgnore: true*/ file) && (statSync(/*turbopackIgnore: true*/ file).mode & 0o077) !== 0) {
      chmodSync(/*turbopackIgnore: true*/ file, 0o600);
      fixed.push(`${file} (now 0600)`);
    }
  }
  return fixed;
}
