// Concurrent writers on one database. On SQLite one process runs one write transaction at a time; on the
// PostgreSQL pass these run on a pool of connections at once, as several instances would, and the row locks
// (lib/db-sql.ts lockRow) are what keeps them right.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { createCertificateAuthority } = await import("@/lib/ca/cas");
const { createHost } = await import("@/lib/inventory/hosts");
const { hostCreateSchema } = await import("@/lib/inventory/hosts.schema");
const { issueHostCertificate } = await import("@/lib/certificates/certificates");
const { revokeCertificate } = await import("@/lib/certificates/revocations");

const actor = { kind: "cli" } as const;
const scratch = mkdtempSync(path.join(tmpdir(), "dockpki-concurrency-"));
after(async () => {
  await db.$disconnect();
  rmSync(scratch, { recursive: true, force: true });
  env.cleanup();
});

const ca = await createCertificateAuthority(actor, {
  commonName: "Concurrency CA",
  organization: undefined,
  organizationalUnit: undefined,
  keySize: 2048,
  days: 365,
});

/** The CRL's number and its revoked serials (lower-case hex), as openssl reads them. */
function readCrl(pem: string): { number: number; serials: string[] } {
  const file = path.join(scratch, `crl-${Math.random().toString(36).slice(2)}.pem`);
  writeFileSync(file, pem);
  const text = execFileSync("openssl", ["crl", "-in", file, "-noout", "-text"], { encoding: "utf8" });
  const number = Number(/X509v3 CRL Number:\s*\n\s*(\d+)/.exec(text)?.[1] ?? Number.NaN);
  const serials = [...text.matchAll(/Serial Number: ([0-9A-F]+)/gi)].map((m) => m[1].toLowerCase());
  return { number, serials };
}

test("twelve issuances for one host at once leave it exactly one active certificate", async () => {
  const host = await createHost(actor, hostCreateSchema.parse({ name: "busy", dnsNames: ["busy.example.com"] }));
  const issued = await Promise.all(
    Array.from({ length: 12 }, () => issueHostCertificate(actor, host.id, { days: 30, csrPem: undefined })),
  );
  assert.equal(new Set(issued.map((c) => c.serial)).size, 12, "every serial is unique");
  const active = await db.certificate.findMany({ where: { hostId: host.id, status: "active" }, select: { id: true } });
  assert.equal(active.length, 1, `the host holds ${active.length} active certificates`);
  assert.equal(await db.certificate.count({ where: { hostId: host.id, status: "superseded" } }), 11);
});

test("twenty revocations at once: CRL numbers only grow, and the last CRL lists every one", async () => {
  const hosts = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      createHost(actor, hostCreateSchema.parse({ name: `rev-${i}`, dnsNames: [`rev-${i}.example.com`] })),
    ),
  );
  const certs = [];
  for (const h of hosts) certs.push(await issueHostCertificate(actor, h.id, { days: 30, csrPem: undefined }));
  const before = await db.certificateAuthority.findUniqueOrThrow({ where: { id: ca.id }, select: { crlNumber: true } });

  // Each revocation's own transaction signs a CRL; read the one it committed right after.
  const numbers: number[] = [];
  await Promise.all(
    certs.map(async (c) => {
      await revokeCertificate(actor, c.id, "keyCompromise");
      const { crlPem } = await db.certificateAuthority.findUniqueOrThrow({
        where: { id: ca.id },
        select: { crlPem: true },
      });
      numbers.push(readCrl(crlPem as string).number);
    }),
  );
  const after = await db.certificateAuthority.findUniqueOrThrow({
    where: { id: ca.id },
    select: { crlNumber: true, crlPem: true },
  });
  assert.equal(after.crlNumber, before.crlNumber + 20, "twenty CRLs, twenty numbers: none reused");
  const last = readCrl(after.crlPem as string);
  assert.equal(last.number, after.crlNumber);
  assert.ok(
    numbers.every((n) => n <= last.number),
    "no CRL seen after a revocation is newer than the last",
  );
  for (const c of certs) {
    assert.ok(
      last.serials.includes(c.serial.toLowerCase().replace(/^0+/, "")) || last.serials.includes(c.serial.toLowerCase()),
      `${c.serial} is on the last CRL`,
    );
  }
  // Revoking again is refused, however many try at once.
  const again = await Promise.allSettled(certs.slice(0, 5).map((c) => revokeCertificate(actor, c.id, "superseded")));
  assert.ok(again.every((r) => r.status === "rejected" && /already revoked/.test(String(r.reason))));
});
