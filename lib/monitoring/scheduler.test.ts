import assert from "node:assert/strict";
import { type AddressInfo, createServer } from "node:net";
import { after, test } from "node:test";
import { freePort } from "@/lib/test-support/docker-sandbox";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

// The scheduled probe: off by default, then every host at the interval the setting names, on the
// instance that holds the scheduler's lease. The hosts here have 127.0.0.1 on a port nothing listens
// on, and a 10.x address the loopback guard must keep the probe from trying.
process.env.DOCKPKI_PROBE_LOOPBACK_ONLY = "1";
const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { createCertificateAuthority } = await import("@/lib/ca/cas");
const { createHost } = await import("@/lib/inventory/hosts");
const { hostCreateSchema } = await import("@/lib/inventory/hosts.schema");
const { getSettings, saveSettings } = await import("@/lib/settings");
const { schedulerTick, scheduledProbeDone } = await import("@/lib/monitoring/scheduler");

const actor = { kind: "cli" } as const;
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

const host = (name: string, ipAddresses: string[], port: number) =>
  createHost(actor, hostCreateSchema.parse({ name, ipAddresses, port }));

test("the scheduled probe runs only when set, at its interval, and never leaves loopback here", async () => {
  await createCertificateAuthority(actor, {
    commonName: "Scheduler CA",
    organization: undefined,
    organizationalUnit: undefined,
    keySize: 2048,
    days: 365,
  });
  const local = await host("local-host", ["127.0.0.1"], await freePort());
  const remote = await host("fixture-host", ["10.20.30.40"], 2376);
  const t0 = Date.now();
  const probes = () => db.hostProbe.count({ where: { trigger: "schedule" } });

  await schedulerTick(new Date(t0));
  assert.equal(await probes(), 0, "off by default");

  await saveSettings(actor, { ...(await getSettings()), probeIntervalMinutes: 5 });
  (globalThis as { dockpkiScheduler?: unknown }).dockpkiScheduler = undefined;
  await schedulerTick(new Date(t0 + 60_000));
  await scheduledProbeDone();
  assert.equal(await probes(), 2);
  const [a, b] = await Promise.all([
    db.host.findUniqueOrThrow({ where: { id: local.id } }),
    db.host.findUniqueOrThrow({ where: { id: remote.id } }),
  ]);
  assert.equal(a.lastProbeStatus, "unreachable");
  assert.match(a.lastProbeSummary ?? "", /connection refused/);
  assert.equal(b.lastProbeStatus, "unreachable");
  assert.match(b.lastProbeSummary ?? "", /not probed: DOCKPKI_PROBE_LOOPBACK_ONLY/);

  // Both hosts were probed at once, and both needed the monitoring certificate: it was issued once.
  assert.equal(await db.certificate.count({ where: { purpose: "monitor" } }), 1);

  await schedulerTick(new Date(t0 + 2 * 60_000));
  await scheduledProbeDone();
  assert.equal(await probes(), 2, "not again within the interval");
  await schedulerTick(new Date(t0 + 7 * 60_000));
  await scheduledProbeDone();
  assert.equal(await probes(), 4, "again once the interval has passed");
  // A scheduled probe of the whole fleet is not an admin's action: nothing in the audit log.
  assert.equal(await db.auditEvent.count({ where: { action: "host.probe" } }), 0);
});

test("a fleet probe that takes long does not hold up the ticks, and is not started twice", async () => {
  // A daemon that accepts and never speaks: its probe waits out the 3 s timeout.
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const port = (silent.address() as AddressInfo).port;
  try {
    const slow = await host("silent-host", ["127.0.0.1"], port);
    const t0 = Date.now() + 3_600_000;
    const started = performance.now();
    await schedulerTick(new Date(t0));
    await schedulerTick(new Date(t0 + 60_000));
    assert.ok(performance.now() - started < 2500, "both ticks returned while the probe waited");
    await scheduledProbeDone();
    assert.ok(performance.now() - started >= 2900, "the probe did wait for the silent daemon");
    const row = await db.host.findUniqueOrThrow({ where: { id: slow.id } });
    assert.match(row.lastProbeSummary ?? "", /timed out after 3 s/);
    assert.equal(
      await db.hostProbe.count({ where: { hostId: slow.id } }),
      1,
      "the second tick started no second probe",
    );
  } finally {
    silent.close();
  }
});

test("the monitoring certificate never holds up a CA rotation, and is not on the expiry lists", async () => {
  const { retireCertificateAuthority } = await import("@/lib/ca/cas");
  const { getRotationProgress } = await import("@/lib/ca/rotation");
  const { listExpiring } = await import("@/lib/certificates/expiry");
  const monitor = await db.certificate.findFirstOrThrow({ where: { purpose: "monitor", status: "active" } });
  assert.equal((await listExpiring(3650)).certificates.length, 0, "only hosts' and clients' certificates are listed");
  const next = await createCertificateAuthority(
    actor,
    { commonName: "Scheduler CA 2", organization: undefined, organizationalUnit: undefined, keySize: 2048, days: 365 },
    "rotate",
  );
  const progress = await getRotationProgress(next.id, monitor.caId);
  assert.equal(progress.reissue.certificates, 0, "nothing of the hosts' and clients' is left to re-issue");
  await retireCertificateAuthority(actor, monitor.caId);
  const after = await db.certificate.findUniqueOrThrow({ where: { id: monitor.id } });
  assert.equal(after.status, "superseded", "the retired CA's monitoring certificate is put aside with it");
});
