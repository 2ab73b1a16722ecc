import assert from "node:assert/strict";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

// Cancelling a bulk re-issue: no new item is taken, the ones in flight finish whole, and a job that
// has ended cannot be cancelled.
const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { createCertificateAuthority } = await import("@/lib/ca/cas");
const { createClient } = await import("@/lib/inventory/clients");
const { issueClientCertificate } = await import("@/lib/certificates/certificates");
const { createReissueJob, runJobInBackground } = await import("@/lib/certificates/jobs");
const { cancelJob } = await import("@/lib/certificates/job-cancel");
const { getSettings, saveSettings } = await import("@/lib/settings");

const actor = { kind: "cli" } as const;
const CLIENTS = 30;
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

await createCertificateAuthority(actor, {
  commonName: "Cancel CA",
  organization: undefined,
  organizationalUnit: undefined,
  keySize: 2048,
  days: 365,
});
for (let i = 0; i < CLIENTS; i++) {
  const client = await createClient(actor, { name: `cancel-${i}`, kind: "ci", notes: "" });
  await issueClientCertificate(actor, client.id, { days: 5, csrPem: undefined });
}
// RSA keys for the re-issues, without a pool: slow enough (a tenth of a second each) to cancel part-way.
await saveSettings(actor, { ...(await getSettings()), leafKeyType: "rsa", leafKeySize: 2048, keyPoolSize: 0 });

test("a cancelled job takes no more items; the ones in flight finish, the rest stay as they were", {
  timeout: 120_000,
}, async () => {
  const job = await createReissueJob(actor, { scope: "expiring", days: 30 }, false);
  const running = runJobInBackground(job.id);
  for (;;) {
    const { done } = await db.job.findUniqueOrThrow({ where: { id: job.id }, select: { done: true } });
    if (done >= 2) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  await cancelJob(actor, job.id);
  await running;

  const ended = await db.job.findUniqueOrThrow({ where: { id: job.id } });
  assert.equal(ended.status, "cancelled", "the runner's end does not overwrite the cancel");
  assert.ok(ended.endedAt);
  assert.ok(ended.done < CLIENTS, `it stopped part-way (${ended.done} of ${CLIENTS})`);
  const items = await db.jobItem.findMany({ where: { jobId: job.id } });
  const done = items.filter((i) => i.status === "done");
  assert.equal(done.length, ended.done, "every item in flight at the cancel finished and was counted");
  for (const item of done) assert.ok(item.newCertificateId);
  const pending = items.filter((i) => i.status === "pending");
  assert.equal(pending.length, CLIENTS - done.length);
  for (const item of pending) {
    const old = await db.certificate.findUniqueOrThrow({ where: { id: item.certificateId } });
    assert.equal(old.status, "active", "a certificate the job did not reach was left alone");
  }
  assert.equal(await db.auditEvent.count({ where: { action: "job.cancel" } }), 1);
  assert.equal(await db.auditEvent.count({ where: { action: "job.done" } }), 0);

  // Running it again (a restart) does nothing: a cancelled job is not resumed.
  await runJobInBackground(job.id);
  assert.equal((await db.job.findUniqueOrThrow({ where: { id: job.id } })).done, ended.done);
});

test("a job that has ended cannot be cancelled, and an unknown one is not found", async () => {
  const [cancelled] = await db.job.findMany({ where: { status: "cancelled" }, select: { id: true } });
  await assert.rejects(cancelJob(actor, cancelled.id), {
    name: "ConflictError",
    message: "This job has already ended (cancelled): there is nothing left to cancel.",
  });
  await assert.rejects(cancelJob(actor, "00000000-0000-4000-8000-000000000000"), { name: "NotFoundError" });

  const job = await createReissueJob(actor, { scope: "expiring", days: 30 }, false);
  await runJobInBackground(job.id);
  const done = await db.job.findUniqueOrThrow({ where: { id: job.id } });
  assert.equal(done.status, "done");
  await assert.rejects(cancelJob(actor, job.id), { name: "ConflictError", message: /already ended \(done\)/ });
});

test("a job cancelled while queued never starts", async () => {
  const client = await createClient(actor, { name: "queued-one", kind: "ci", notes: "" });
  await issueClientCertificate(actor, client.id, { days: 5, csrPem: undefined });
  const job = await createReissueJob(actor, { scope: "expiring", days: 30 }, false);
  await cancelJob(actor, job.id);
  await runJobInBackground(job.id);
  const after = await db.job.findUniqueOrThrow({ where: { id: job.id } });
  assert.equal(after.status, "cancelled");
  assert.equal(after.startedAt, null);
  assert.equal(after.done, 0);
});
