import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync } from "node:fs";
import { databasePath, dataDir } from "@/lib/config";
import { StartupError } from "@/lib/errors";

// The data directory holds the admins' password hashes, the inventory and the sealed keys: only
// the account that runs dockpki may read it. SQLite gives its -wal, -shm and -journal files the
// mode of the database file, so a database created 0600 keeps its companions private too.

const DATABASE_FILES = ["", "-wal", "-shm", "-journal"];
/** What dockpki keeps in its data directory; a directory holding anything else is not dockpki's to chmod. */
const OWN_FILE = /^(dockpki\.db(-wal|-shm|-journal)?|master\.key(\.before-restore-[0-9TZ]+)?)$/;

const mode = (path: string) => statSync(/*turbopackIgnore: true*/ path).mode;

/**
 * Creates the data directory 0700 and the database file 0600, and tightens either when found open
 * to others. A directory that also holds other things (DOCKPKI_DATA_DIR=/var/lib, say) keeps its
 * mode, since dockpki's own files in it are 0600 anyway; one that others may write to is refused,
 * as they could replace or remove those files. Returns what it tightened, for the log.
 */
export function secureDataDir(): string[] {
  const fixed: string[] = [];
  const dir = dataDir();
  if (!existsSync(/*turbopackIgnore: true*/ dir)) {
    mkdirSync(/*turbopackIgnore: true*/ dir, { recursive: true, mode: 0o700 });
  } else if ((mode(dir) & 0o002) !== 0) {
    throw new StartupError(
      `the data directory ${dir} can be written by every user, who could replace or remove dockpki's database and key there. Set DOCKPKI_DATA_DIR to a directory of dockpki's own.`,
    );
  } else if ((mode(dir) & 0o077) !== 0 && readdirSync(/*turbopackIgnore: true*/ dir).every((f) => OWN_FILE.test(f))) {
    chmodSync(/*turbopackIgnore: true*/ dir, 0o700);
    fixed.push(`${dir} (now 0700)`);
  }
  const database = databasePath();
  if (!existsSync(/*turbopackIgnore: true*/ database)) {
    closeSync(openSync(/*turbopackIgnore: true*/ database, "a", 0o600));
  }
  for (const suffix of DATABASE_FILES) {
    const file = `${database}${suffix}`;
    if (existsSync(/*turbopackIgnore: true*/ file) && (mode(file) & 0o077) !== 0) {
      chmodSync(/*turbopackIgnore: true*/ file, 0o600);
      fixed.push(`${file} (now 0600)`);
    }
  }
  return fixed;
}
