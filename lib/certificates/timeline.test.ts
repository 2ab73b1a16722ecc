import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { getExpiryTimeline, timelineWeeks } = await import("@/lib/certificates/timeline");
const { settingsSchema } = await import("@/lib/settings.schema");
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

const DAY = 86_400_000;

test("weeks start on Monday (UTC), thirteen of them, from the week holding today", () => {
  const weeks = timelineWeeks(new Date("2026-12-02T12:00:00Z")); // a Wednesday
  assert.equal(weeks.length, 13);
  assert.deepEqual(
    weeks.slice(0, 2).map((w) => [w.from, w.to]),
    [
      ["2026-11-30", "2026-12-06"],
      ["2026-12-07", "2026-12-13"],
    ],
  );
  assert.equal(weeks[12].from, "2027-02-22");
  assert.equal(weeks[12].to, "2027-02-28");
  assert.equal(timelineWeeks(new Date("2026-12-06T23:59:59Z"))[0].from, "2026-11-30"); // Sunday night
  assert.equal(timelineWeeks(new Date("2026-12-07T00:00:00Z"))[0].from, "2026-12-07"); // Monday morning
});

/** An offline root made with the openssl CLI, valid for `days` from now. */
function offlineRootPem(days: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), "dockpki-root-"));
  try {
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-sha256"],
        ...["-days", String(days), "-subj", "/CN=Offline Root", "-addext", "basicConstraints=critical,CA:TRUE"],
        ...["-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")],
      ],
      { stdio: "pipe" },
    );
    return readFileSync(path.join(dir, "cert.pem"), "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("counts current certificates and CAs per week by kind, leaves out the rest, marks overdue renewals", async () => {
  const now = new Date();
  const at = (days: number) => new Date(now.getTime() + days * DAY);
  let n = 0;
  const ca = async (commonName: string, status: string, notAfter: Date, rootCertPem: string | null = null) =>
    db.certificateAuthority.create({
      data: {
        commonName,
        status,
        notAfter,
        rootCertPem,
        subject: `CN=${commonName}`,
        serial: `ca${++n}`,
        fingerprint: `ca-fingerprint-${n}`,
        keySize: 256,
        notBefore: at(-400),
        certPem: "unused",
        keySealed: Buffer.from("unused"),
      },
    });
  const issuing = await ca("Issuing CA", "active", at(50), offlineRootPem(30));
  await ca("Old CA", "previous", at(10));
  await ca("Retired CA", "retired", at(10));

  const host = (name: string) => db.host.create({ data: { name, nameKey: name, renewalEnabled: false } });
  const client = (name: string) => db.client.create({ data: { name, nameKey: name, renewalEnabled: true } });
  const cert = (
    holder: { hostId: string } | { clientId: string } | Record<string, never>,
    notAfter: Date,
    extra: { status?: string; purpose?: string; notBefore?: Date } = {},
  ) =>
    db.certificate.create({
      data: {
        ...holder,
        kind: "hostId" in holder ? "server" : "client",
        caId: issuing.id,
        serial: `serial-${++n}`,
        fingerprint: `fingerprint-${n}`,
        commonName: `cn-${n}`,
        subject: `CN=cn-${n}`,
        keySize: 256,
        notBefore: extra.notBefore ?? at(-1),
        notAfter,
        certPem: "unused",
        status: extra.status ?? "active",
        purpose: extra.purpose ?? "",
      },
    });
  const docker1 = await host("docker1");
  const docker2 = await host("docker2");
  const ci = await client("ci-runner");
  const laptop = await client("laptop");
  await cert({ hostId: docker1.id }, at(10));
  await cert({ hostId: docker1.id }, at(10), { status: "superseded" });
  await cert({ hostId: docker2.id }, at(10), { status: "revoked" });
  // 70 days long with 10 left: past the quarter-lifetime mark, so its agent is overdue.
  await cert({ clientId: ci.id }, at(10), { notBefore: at(-60) });
  await cert({ clientId: laptop.id }, at(30));
  await cert({ hostId: docker2.id }, at(-1)); // expired
  await cert({ hostId: docker2.id }, at(200)); // past the 13 weeks
  await cert({}, at(10), { purpose: "monitor" }); // the dashboard's own probe certificate

  const settings = { ...settingsSchema.parse({}), publicUrl: "https://pki.example.com" };
  const weeks = await getExpiryTimeline(settings, now);
  assert.equal(weeks.length, 13);
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  const weekOf = (d: Date) => weeks.findIndex((w) => w.from <= iso(d) && iso(d) <= w.to);
  const expected = weeks.map(() => ({ hosts: 0, clients: 0, cas: 0, overdue: 0, caNames: [] as string[] }));
  expected[weekOf(at(10))].hosts += 1;
  expected[weekOf(at(10))].clients += 1;
  expected[weekOf(at(10))].overdue += 1;
  expected[weekOf(at(10))].cas += 1;
  expected[weekOf(at(10))].caNames.push("Old CA");
  expected[weekOf(at(30))].clients += 1;
  expected[weekOf(at(30))].cas += 1;
  expected[weekOf(at(30))].caNames.push("Offline Root");
  expected[weekOf(at(50))].cas += 1;
  expected[weekOf(at(50))].caNames.push("Issuing CA");
  for (const e of expected) e.caNames.sort();
  assert.deepEqual(
    weeks.map(({ hosts, clients, cas, overdue, caNames }) => ({
      hosts,
      clients,
      cas,
      overdue,
      caNames: caNames.sort(),
    })),
    expected,
  );

  // Without a public URL no agent runs, so nothing is overdue.
  const offline = await getExpiryTimeline(settingsSchema.parse({}), now);
  assert.equal(
    offline.reduce((sum, w) => sum + w.overdue, 0),
    0,
  );
});
