import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { after, test } from "node:test";
import { prepareTempDataDir, repoRoot } from "@/lib/test-support/temp-data-dir";

const env = await prepareTempDataDir();
// Claims of a killed process run out after this long (30 s in production): the test waits for it.
process.env.DOCKPKI_JOB_CLAIM_MS = "1500";
const { db } = await import("@/lib/db");
const { createCertificateAuthority } = await import("@/lib/ca/cas");
const { createClient } = await import("@/lib/inventory/clients");
const { issueClientCertificate } = await import("@/lib/certificates/certificates");
const { createReissueJob, resumeJobs, runJobInBackground } = await import("@/lib/certificates/jobs");

const actor = { kind: "cli" } as const;
const CLIENTS = 24;
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

await createCertificateAuthority(actor, {
  commonName: "Jobs CA",
  organization: undefined,
  organizationalUnit: undefined,
  keySize: 2048,
  days: 365,
});
for (let i = 0; i < CLIENTS; i++) {
  const client = await createClient(actor, { name: `job-client-${i}`, kind: "ci", notes: "" });
  await issueClientCertificate(actor, client.id, { days: 5, csrPem: undefined });
}

/** Every client has exactly one current certificate; no certificate row is missing its parts. */
async function assertConsistent() {
  const perClient = await db.certificate.groupBy({ by: ["clientId"], where: { status: "active" }, _count: true });
  assert.equal(perClient.length, CLIENTS);
  for (const row of perClient)
    assert.equal(row._count, 1, `client ${row.clientId} has ${row._count} active certificates`);
  const broken = await db.certificate.count({ where: { OR: [{ certPem: "" }, { keySealed: null }] } });
  assert.equal(broken, 0);
  const items = await db.jobItem.findMany({ select: { status: true, certificateId: true, newCertificateId: true } });
  for (const item of items) {
    const old = await db.certificate.findUniqueOrThrow({
      where: { id: item.certificateId },
      select: { status: true, supersededById: true },
    });
    if (item.status === "done") {
      assert.ok(item.newCertificateId, "a done item names its new certificate");
      assert.equal(old.status, "superseded");
      assert.equal(old.supersededById, item.newCertificateId);
      assert.ok(await db.certificate.findUnique({ where: { id: item.newCertificateId as string } }));
    } else {
      assert.equal(item.status, "pending");
      assert.equal(old.status, "active", "a pending item's certificate was not replaced");
    }
  }
}

test("a job killed part-way leaves no half-written certificate, and resumes to the end", {
  timeout: 180_000,
}, async () => {
  const job = await createReissueJob(actor, { scope: "expiring", days: 30 }, false);
  assert.equal(job.total, CLIENTS);

  const child = spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.join(repoRoot, "lib/test-support/run-job.ts"), job.id],
    { cwd: repoRoot, env: process.env, stdio: "ignore" },
  );
  const exited = new Promise((resolve) => child.on("exit", resolve));
  // Kill it once some, but not all, items are done.
  for (;;) {
    const { done } = await db.job.findUniqueOrThrow({ where: { id: job.id }, select: { done: true } });
    if (done >= 3) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill("SIGKILL");
  await exited;

  const killed = await db.job.findUniqueOrThrow({ where: { id: job.id }, select: { status: true, done: true } });
  assert.equal(killed.status, "running", "the job was interrupted, not finished");
  assert.ok(killed.done < CLIENTS, `it was killed part-way (${killed.done} of ${CLIENTS} done)`);
  await assertConsistent();

  // What a restarted server (or another instance) does: resume every job left running, and come back to it
  // (startJobWatcher) until the killed process's claims have run out and its items are done too.
  assert.equal(await resumeJobs(), 1);
  const started = Date.now();
  for (;;) {
    await runJobInBackground(job.id);
    const { status } = await db.job.findUniqueOrThrow({ where: { id: job.id }, select: { status: true } });
    if (status === "done") break;
    assert.ok(Date.now() - started < 60_000, "the job finished once the killed process's claims ran out");
    await new Promise((r) => setTimeout(r, 200));
  }
  const finished = await db.job.findUniqueOrThrow({ where: { id: job.id }, select: { done: true, failed: true } });
  assert.deepEqual(finished, { done: CLIENTS, failed: 0 });
  assert.equal(await db.jobItem.count({ where: { jobId: job.id, status: "done" } }), CLIENTS);
  await assertConsistent();
  assert.equal(await db.certificate.count(), 2 * CLIENTS);
});

test("an empty selection is refused, and so is a second job while one is pending", async () => {
  await assert.rejects(createReissueJob(actor, { scope: "previous-ca" }, false), /No certificate needs re-issuing/);
  // Re-issued certificates got the default 90 days, so they fall within a 100-day window.
  const pending = await createReissueJob(actor, { scope: "expiring", days: 100 }, false);
  await assert.rejects(
    createReissueJob(actor, { scope: "expiring", days: 100 }, false),
    /A bulk job is already running/,
  );
  await db.job.update({ where: { id: pending.id }, data: { status: "cancelled" } });
});
