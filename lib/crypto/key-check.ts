import "server-only";
import { loadMasterKey, MasterKeyError } from "@/lib/crypto/master-key";
import { seal, unseal } from "@/lib/crypto/seal";
import { db } from "@/lib/db";

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
    const row = await db.setting.findUnique({ where: { key: SETTING_KEY } });
    if (!row) {
      const value = Buffer.from(seal(CHECK_TEXT, BOUND_TO, key)).toString("base64");
      await db.setting.create({ data: { key: SETTING_KEY, value } });
      return null;
    }
    return unseal(Buffer.from(row.value, "base64"), BOUND_TO, key) === CHECK_TEXT
      ? null
      : "The master key check failed.";
  } catch (err) {
    if (err instanceof MasterKeyError) {
      return `${err.message} dockpki cannot open the private keys it stores. Restore the original master key (DOCKPKI_MASTER_KEY or data/master.key) and restart.`;
    }
    throw err;
  }
}
