import "server-only";
import {
  createMasterKeyFile,
  loadMasterKey,
  MasterKeyError,
  masterKeyConfigured,
  masterKeyRequiredProblem,
} from "@/lib/crypto/master-key";
import { seal, unseal } from "@/lib/crypto/seal";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";

/** A known value sealed on first start: whatever key opens it opens every stored key. */
export const KEY_CHECK = { setting: "masterKeyCheck", boundTo: "setting:masterKeyCheck" } as const;
const SETTING_KEY = KEY_CHECK.setting;
const BOUND_TO = KEY_CHECK.boundTo;
const CHECK_TEXT = "dockpki master key check";

/**
 * Proves the master key is the one this database was sealed with, by opening a known value sealed
 * on first start. Returns a sentence for the admin when it is not, instead of letting every key
 * operation fail one by one.
 */
export async function checkMasterKey(): Promise<string | null> {
  try {
    const key = loadMasterKey();
    let row = await db.setting.findUnique({ where: { key: SETTING_KEY } });
    if (!row) {
      const value = Buffer.from(seal(CHECK_TEXT, BOUND_TO, key)).toString("base64");
      try {
        await db.setting.create({ data: { key: SETTING_KEY, value } });
        return null;
      } catch (err) {
        // Instances started together on a new database: one seals the check value, the others
        // then prove their key against it, so an instance with another key is still caught.
        if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")) throw err;
        row = await db.setting.findUniqueOrThrow({ where: { key: SETTING_KEY } });
      }
    }
    return unseal(Buffer.from(row.value, "base64"), BOUND_TO, key) === CHECK_TEXT
      ? null
      : "The master key check failed.";
  } catch (err) {
    if (err instanceof MasterKeyError) {
      return `${err.message} dockpki cannot open the private keys it stores. Restore the original master key (DOCKPKI_MASTER_KEY or master.key in the data directory) and restart.`;
    }
    throw err;
  }
}

/** How many private keys the database holds sealed under the master key. */
export async function countSealedKeys(): Promise<number> {
  const [cas, certificates] = await Promise.all([
    db.certificateAuthority.count(),
    db.certificate.count({ where: { keySealed: { not: null } } }),
  ]);
  return cas + certificates;
}

/**
 * Start-up: a master key must exist before anything is sealed. A missing key file is created only
 * when the database holds nothing sealed; otherwise a fresh key would silently make every stored
 * key unreadable, so this refuses with what to do instead.
 */
export async function ensureMasterKey(): Promise<{ created: boolean }> {
  if (masterKeyConfigured()) return { created: false };
  const required = masterKeyRequiredProblem();
  if (required) throw new MasterKeyError(required);
  const sealed = await countSealedKeys();
  if (sealed > 0) {
    throw new MasterKeyError(
      `The master key is missing: neither DOCKPKI_MASTER_KEY nor master.key in the data directory is there, but the database holds ${sealed} private key${sealed === 1 ? "" : "s"} sealed with it, which a new key could never open. Put the original master.key back (from your backup: dockpki restore BACKUP.zip --force restores both), or set DOCKPKI_MASTER_KEY to it. To start over without those keys instead, move dockpki.db out of the data directory.`,
    );
  }
  createMasterKeyFile();
  // A check value sealed with a lost key that protected nothing is sealed again with the new one.
  await db.setting.deleteMany({ where: { key: SETTING_KEY } });
  return { created: true };
}
