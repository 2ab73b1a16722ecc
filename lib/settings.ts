import "server-only";
import { type Principal, recordAudit } from "@/lib/audit";
import { db, type Tx } from "@/lib/db";
import { type Settings, settingsSchema } from "@/lib/settings.schema";

const KEYS = Object.keys(settingsSchema.shape) as (keyof Settings)[];

export async function getSettings(client: Tx | typeof db = db): Promise<Settings> {
  const rows = await client.setting.findMany({ where: { key: { in: KEYS } } });
  const raw: Record<string, unknown> = {};
  for (const row of rows) {
    try {
      raw[row.key] = JSON.parse(row.value);
    } catch {
      // A damaged value falls back to its default rather than breaking every page.
    }
  }
  const parsed = settingsSchema.safeParse(raw);
  return parsed.success ? parsed.data : settingsSchema.parse({});
}

export async function saveSettings(actor: Principal, values: Settings): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await getSettings(tx);
    const changed = KEYS.filter((k) => before[k] !== values[k]);
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
  });
}
