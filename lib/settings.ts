import "server-only";
import { type Principal, recordAudit } from "@/lib/audit";
import { authorize } from "@/lib/auth/authorize";
import { db, type Tx } from "@/lib/db";
import { type Settings, settingsSchema } from "@/lib/settings.schema";

const KEYS = Object.keys(settingsSchema.shape) as (keyof Settings)[];

/**
 * The settings, each stored value checked on its own: one that is damaged, or that a newer rule
 * refuses (an sslDir dockpki no longer accepts), falls back to its default alone, and is reported.
 */
export async function readSettings(
  client: Tx | typeof db = db,
): Promise<{ settings: Settings; problems: { key: keyof Settings; message: string }[] }> {
  const rows = await client.setting.findMany({ where: { key: { in: KEYS } } });
  const raw: Record<string, unknown> = {};
  const problems: { key: keyof Settings; message: string }[] = [];
  for (const row of rows) {
    const key = row.key as keyof Settings;
    let value: unknown;
    try {
      value = JSON.parse(row.value);
    } catch {
      problems.push({ key, message: "The stored value is damaged; the default is used." });
      continue;
    }
    const checked = settingsSchema.shape[key].safeParse(value);
    if (checked.success) raw[key] = value;
    else {
      problems.push({
        key,
        message: `The stored value ${JSON.stringify(value)} is no longer accepted (${checked.error.issues[0].message}); the default is used until you save another.`,
      });
    }
  }
  return { settings: settingsSchema.parse(raw), problems };
}

// Every issuance and download reads the settings: outside a transaction they are kept for a
// moment (another instance's change shows within CACHE_MS; this process's at once).
const CACHE_MS = 2000;
let cached: { settings: Settings; at: number } | null = null;

export async function getSettings(client: Tx | typeof db = db): Promise<Settings> {
  if (client !== db) return (await readSettings(client)).settings;
  if (cached && performance.now() - cached.at < CACHE_MS) return cached.settings;
  const settings = (await readSettings(client)).settings;
  cached = { settings, at: performance.now() };
  return settings;
}

export async function saveSettings(actor: Principal, values: Settings): Promise<void> {
  authorize(actor, "settings");
  const changed = await storeSettings(actor, values);
  cached = null; // once committed: a read during the transaction saw the old values
  // The key pool follows at once: filled for RSA leaves, emptied when turned off or out of use.
  if (changed.some((k) => k === "leafKeyType" || k === "leafKeySize" || k === "keyPoolSize")) {
    const { refillKeyPool, trimKeyPool } = await import("@/lib/certificates/key-pool");
    await trimKeyPool();
    void refillKeyPool();
  }
}

async function storeSettings(actor: Principal, values: Settings): Promise<(keyof Settings)[]> {
  cached = null;
  return db.$transaction(async (tx) => {
    const before = await getSettings(tx);
    const changed = KEYS.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(values[k]));
    for (const key of changed) {
      const value = JSON.stringify(values[key]);
      await tx.setting.upsert({ where: { key }, create: { key, value }, update: { value } });
    }
    if (changed.length > 0) {
      await recordAudit(tx, {
        actor,
        action: "settings.update",
        detail: Object.fromEntries(changed.map((k) => [k, { from: before[k], to: values[k] }])),
      });
    }
    return changed;
  });
}
