import assert from "node:assert/strict";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { getSettings, readSettings } = await import("@/lib/settings");

after(async () => {
  await db.$disconnect();
  env.cleanup();
});

test("a stored value a newer rule refuses falls back alone, and says so; the others stay", async () => {
  await db.setting.createMany({
    data: [
      { key: "sslDir", value: JSON.stringify("/tmp") },
      { key: "clientCertDays", value: "7" },
      { key: "crlDays", value: "{damaged" },
    ],
  });
  const { settings, problems } = await readSettings();
  assert.equal(settings.sslDir, "/etc/docker/ssl");
  assert.equal(settings.clientCertDays, 7, "a sound value is kept");
  assert.equal(settings.crlDays, 7);
  assert.deepEqual(problems.map((p) => p.key).sort(), ["crlDays", "sslDir"]);
  assert.match(problems.find((p) => p.key === "sslDir")?.message ?? "", /"\/tmp" is no longer accepted/);
  assert.equal((await getSettings()).clientCertDays, 7);
});
