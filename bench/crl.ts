// A CRL with 10,000 entries through the app's path: 10,000 certificate rows marked revoked
// directly, then regenerateCrl in a transaction (what every revocation does), currentCrl (stored,
// and stale so it re-signs), one more revocation end to end, and `openssl ca -gencrl` on the same
// 10,000 serials with the same CA key, in the same run.
// Run: node --conditions=react-server --import tsx bench/crl.ts [--runs N] [--entries N]
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";
import { createRecorder, describeMachine, loadAverage } from "./support/measure";

const run = promisify(execFile);
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : undefined;
};
const RUNS = arg("runs") ?? 10;
const ENTRIES = arg("entries") ?? 10_000;
const DAY_MS = 86_400_000;

console.error(`load average at the start: ${loadAverage()}`);
const temp = await prepareTempDataDir();
const { createCertificateAuthority, loadActiveCaSigner } = await import("@/lib/ca/cas");
const { caCreateSchema } = await import("@/lib/ca/ca.schema");
const { currentCrl, regenerateCrl, revokeCertificate } = await import("@/lib/certificates/revocations");
const { db } = await import("@/lib/db");
const { seedCertificates } = await import("./support/seed");

const cli = { kind: "cli" } as const;
const bench = createRecorder({ runs: RUNS, warmup: 2 });
await createCertificateAuthority(cli, caCreateSchema.parse({ commonName: "Bench CA" }));
// One spare active certificate per timed revocation (warm-up included).
const { caId, ids } = await seedCertificates(ENTRIES + RUNS + 2);
const spare = ids.slice(ENTRIES);
const t0 = performance.now();
await db.$executeRaw`
  UPDATE "Certificate" SET "status" = 'revoked', "revokedAt" = "notBefore",
    "revocationReason" = CASE abs(random()) % 3 WHEN 0 THEN 'keyCompromise' WHEN 1 THEN 'superseded' ELSE 'cessationOfOperation' END`;
await db.certificate.updateMany({
  where: { id: { in: spare } },
  data: { status: "active", revokedAt: null, revocationReason: null },
});
const marked = await db.certificate.count({ where: { caId, status: "revoked" } });
console.error(`marked ${marked} certificates revoked in ${(performance.now() - t0).toFixed(0)} ms`);

const sizeOf = (pem: string) => `${(Buffer.byteLength(pem) / 1024).toFixed(0)} KiB PEM`;
await bench.measure(
  `regenerateCrl in a transaction (${marked} entries)`,
  () => db.$transaction((tx) => regenerateCrl(tx, caId)),
  {
    describe: sizeOf,
  },
);
await bench.measure("currentCrl (stored, fresh)", () => currentCrl(), { describe: (c) => sizeOf(c.pem) });
// Each call a month after the last one signed, so every call finds the stored CRL stale.
let month = 0;
await bench.measure(
  "currentCrl (stale: re-signs)",
  () => currentCrl(undefined, new Date(Date.now() + ++month * 30 * DAY_MS)),
  {
    describe: (c) => sizeOf(c.pem),
  },
);
let next = 0;
await bench.measure("revokeCertificate (one more, CRL re-signed in its transaction)", () =>
  revokeCertificate(cli, spare[next++], "keyCompromise"),
);
const { pem } = await currentCrl();

// The classic route: `openssl ca -gencrl` reading an index.txt of the same revoked serials.
const dir = mkdtempSync(path.join(os.tmpdir(), "dockpki-bench-crl-"));
const signer = await loadActiveCaSigner();
const revoked = await db.certificate.findMany({
  where: { caId, status: "revoked" },
  select: { serial: true, notAfter: true, revokedAt: true, revocationReason: true },
});
const utc = (d: Date) => d.toISOString().replace(/^\d\d(\d\d)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d).*$/, "$1$2$3$4$5$6Z");
writeFileSync(path.join(dir, "ca.pem"), signer.certPem);
writeFileSync(path.join(dir, "ca-key.pem"), signer.keyPem, { mode: 0o600 });
writeFileSync(
  path.join(dir, "index.txt"),
  revoked
    .map(
      (r) =>
        `R\t${utc(r.notAfter)}\t${utc(r.revokedAt ?? r.notAfter)},${r.revocationReason}\t${r.serial.toUpperCase()}\tunknown\t/CN=x\n`,
    )
    .join(""),
);
writeFileSync(path.join(dir, "crlnumber"), "01\n");
writeFileSync(
  path.join(dir, "openssl.cnf"),
  [
    "[ca]\ndefault_ca = bench\n[bench]",
    "database = index.txt\ncrlnumber = crlnumber\ncertificate = ca.pem\nprivate_key = ca-key.pem",
    "default_md = sha256\ndefault_crl_days = 7\ncrl_extensions = crl_ext\n[crl_ext]\nauthorityKeyIdentifier = keyid:always\n",
  ].join("\n"),
);
await bench.measure(`openssl ca -gencrl (${revoked.length} entries, same CA key)`, () =>
  run("openssl", ["ca", "-gencrl", "-config", "openssl.cnf", "-out", "crl.pem"], { cwd: dir }),
);
writeFileSync(path.join(dir, "app-crl.pem"), pem);
const count = async (file: string) => {
  const { stdout } = await run("openssl", ["crl", "-in", file, "-noout", "-text"], {
    cwd: dir,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.split("Serial Number:").length - 1;
};
// openssl reports the signature check on stderr ("verify OK").
const { stderr: verified } = await run("openssl", ["crl", "-in", "app-crl.pem", "-CAfile", "ca.pem", "-noout"], {
  cwd: dir,
}).catch((err: { stderr?: string }) => ({ stderr: `openssl crl -CAfile failed: ${err.stderr}` }));
const { stdout: opensslVersion } = await run("openssl", ["version"]);
const appEntries = await count("app-crl.pem");
const opensslEntries = await count("crl.pem");
rmSync(dir, { recursive: true, force: true });
temp.cleanup();

console.log(`\n${describeMachine()}, ${opensslVersion.trim()}`);
console.log(
  `CA RSA-4096; ${marked} rows marked revoked directly; app CRL ${(Buffer.byteLength(pem) / 1024).toFixed(0)} KiB with ${appEntries} entries ` +
    `(openssl crl -CAfile: "${verified.trim()}"), openssl's ${opensslEntries} entries; 2 warm-up runs discarded; load average at the end ${loadAverage()}\n`,
);
bench.printTable();
