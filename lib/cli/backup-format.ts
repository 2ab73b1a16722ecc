import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { InputError } from "@/lib/errors";
import { readZipEntries, type ZipFileEntry } from "@/lib/zip-read";

// A backup is one zip: manifest.json, dockpki.db (a consistent snapshot) and, unless --without-key,
// master.key. Restore checks all of it before it replaces anything.
export const BACKUP_FORMAT = "dockpki-backup";
export const DB_ENTRY = "dockpki.db";
export const KEY_ENTRY = "master.key";
export const MANIFEST_ENTRY = "manifest.json";

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  formatVersion: 1;
  dockpkiVersion: string;
  createdAt: string;
  migrations: string[];
  files: Record<string, { sha256: string; size: number }>;
}

export const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

export function notABackup(file: string): InputError {
  return new InputError(`${file} is not a dockpki backup (a zip made by dockpki backup, with a manifest.json).`);
}

/** The entries of a backup, each checked against the checksum in its manifest. */
export async function readBackup(
  file: string,
): Promise<{ manifest: BackupManifest; database: Buffer; keyText: Buffer | null }> {
  let entries: Map<string, ZipFileEntry>;
  let manifest: BackupManifest | null;
  try {
    entries = await readZipEntries(readFileSync(file));
    manifest = JSON.parse(entries.get(MANIFEST_ENTRY)?.data.toString("utf8") ?? "null");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new InputError(`There is no file ${file}.`);
    throw notABackup(file);
  }
  if (manifest?.format !== BACKUP_FORMAT || !manifest.files?.[DB_ENTRY]) throw notABackup(file);
  if (manifest.formatVersion !== 1) {
    throw new InputError(
      `${file} is in backup format ${manifest.formatVersion}, from a newer dockpki: restore it with that version.`,
    );
  }
  for (const [name, { sha256: expected }] of Object.entries(manifest.files)) {
    const data = entries.get(name)?.data;
    if (!data || sha256(data) !== expected) {
      throw new InputError(
        `${file} is damaged or was altered: ${name} does not match the checksum in its manifest. Nothing was changed.`,
      );
    }
  }
  const keyText = manifest.files[KEY_ENTRY] ? (entries.get(KEY_ENTRY)?.data ?? null) : null;
  return { manifest, database: entries.get(DB_ENTRY)?.data as Buffer, keyText };
}
