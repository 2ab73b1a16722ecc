import assert from "node:assert/strict";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { getStartChecklist } = await import("@/lib/overview");
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

const done = async () =>
  Object.fromEntries((await getStartChecklist()).steps.map((s) => [s.key, s.done])) as Record<string, boolean>;

test("the checklist ticks each step as its fact appears and is all done after the first bundle", async () => {
  assert.deepEqual(await done(), { ca: false, host: false, client: false, bundle: false });
  assert.equal((await getStartChecklist()).allDone, false);

  const ca = await db.certificateAuthority.create({
    data: {
      commonName: "Checklist CA",
      subject: "CN=Checklist CA",
      serial: "01",
      fingerprint: "checklist-ca",
      keySize: 256,
      notBefore: new Date(),
      notAfter: new Date(Date.now() + 86_400_000),
      certPem: "unused",
      keySealed: Buffer.from("unused"),
    },
  });
  assert.deepEqual(await done(), { ca: true, host: false, client: false, bundle: false });
  const host = await db.host.create({ data: { name: "docker1", nameKey: "docker1" } });
  await db.client.create({ data: { name: "ci-runner", nameKey: "ci-runner" } });
  assert.deepEqual(await done(), { ca: true, host: true, client: true, bundle: false });
  assert.equal((await getStartChecklist()).allDone, false);

  await db.host.update({
    where: { id: host.id },
    data: { bundleDeliveredAt: new Date(), bundleCaIds: JSON.stringify([ca.id]) },
  });
  assert.deepEqual(await done(), { ca: true, host: true, client: true, bundle: true });
  assert.equal((await getStartChecklist()).allDone, true);
});
