// Issuance latency: node:crypto keygen + forge-built TBS + native signature, against forge-only
// signing and the classic openssl command pipeline, measured in the same run.
// Run: node --conditions=react-server --import tsx bench/issue.ts [--runs N]
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import forge from "node-forge";
import { createCa } from "@/lib/pki/ca";
import { loadCaSigner } from "@/lib/pki/ca-signer";
import { buildCrl } from "@/lib/pki/crl";
import { generateRsaKeyPair, type RsaKeySize } from "@/lib/pki/keys";
import { buildServerCertificate } from "@/lib/pki/profiles";
import { randomSerialHex } from "@/lib/pki/serial";
import { signCertificateWithForge } from "@/lib/pki/sign";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";
import { createRecorder, describeMachine, loadAverage } from "./support/measure";

const run = promisify(execFile);
const runsArg = process.argv.indexOf("--runs");
const bench = createRecorder({ runs: runsArg > 0 ? Number(process.argv[runsArg + 1]) : 20, warmup: 2 });
const measure = bench.measure;

const SERVER = {
  commonName: "docker1",
  dnsNames: ["docker1.example.com", "localhost"],
  ipAddresses: ["10.0.0.5", "127.0.0.1"],
};

async function main(): Promise<void> {
  console.error(`load average at the start: ${loadAverage()}`);
  const t0 = performance.now();
  const ca = await createCa({ commonName: "Bench CA", keySize: 4096 });
  console.error(`CA (RSA-4096) created in ${(performance.now() - t0).toFixed(0)} ms`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "dockpki-bench-"));
  writeFileSync(path.join(dir, "ca.pem"), ca.certPem);
  writeFileSync(path.join(dir, "ca-key.pem"), ca.keyPem);
  writeFileSync(
    path.join(dir, "extfile.cnf"),
    "subjectAltName = DNS:docker1.example.com,DNS:localhost,IP:10.0.0.5,IP:127.0.0.1\nextendedKeyUsage = serverAuth\n",
  );

  for (const bits of [2048, 3072] as RsaKeySize[])
    await measure(`keygen RSA-${bits} (node:crypto)`, () => generateRsaKeyPair(bits));

  const issue = async (bits: RsaKeySize) => {
    const key = await generateRsaKeyPair(bits);
    return buildServerCertificate({ publicKeyPem: key.publicKeyPem, ca, days: 365, ...SERVER });
  };
  await measure("server cert, fast path (keygen 2048 + build + native sign)", () => issue(2048));
  await measure("server cert, fast path (keygen 3072 + build + native sign)", () => issue(3072));
  await measureAppPath();

  const signer = loadCaSigner(ca);
  const leafKey = await generateRsaKeyPair(2048);
  const forgeCert = () => {
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(leafKey.publicKeyPem);
    cert.serialNumber = randomSerialHex();
    cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
    cert.setSubject([{ name: "commonName", value: "docker1" }]);
    cert.setExtensions([{ name: "extKeyUsage", serverAuth: true }]);
    return cert;
  };
  await measure("build + sign only, native (no keygen)", () =>
    buildServerCertificate({ publicKeyPem: leafKey.publicKeyPem, ca, days: 365, ...SERVER }),
  );
  await measure("build + sign only, forge (no keygen)", () =>
    signCertificateWithForge(forgeCert(), signer.keyPem, signer.name),
  );
  await measure("server cert, forge signing (keygen 2048 + build + forge sign)", async () => {
    await generateRsaKeyPair(2048);
    return signCertificateWithForge(forgeCert(), signer.keyPem, signer.name);
  });

  const openssl = (...args: string[]) => run("openssl", args, { cwd: dir });
  await measure("openssl pipeline (genrsa 2048, req -new, x509 -req -extfile)", async () => {
    await openssl("genrsa", "-out", "key.pem", "2048");
    await openssl("req", "-new", "-key", "key.pem", "-subj", "/CN=docker1", "-out", "server.csr");
    await openssl(
      ...["x509", "-req", "-days", "365", "-sha256", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem"],
      ...["-CAcreateserial", "-out", "cert.pem", "-extfile", "extfile.cnf"],
    );
  });

  const keygens = (n: number) => Array.from({ length: n }, () => () => generateRsaKeyPair(3072));
  const sequential = async (jobs: (() => Promise<unknown>)[]) => {
    for (const job of jobs) await job();
  };
  const parallel = (jobs: (() => Promise<unknown>)[]) => Promise.all(jobs.map((job) => job()));
  await measure("2 keygens RSA-3072, one after the other", () => sequential(keygens(2)));
  await measure("2 keygens RSA-3072, in parallel", () => parallel(keygens(2)));
  // prime search time varies a lot per key; 8 at a time averages that out
  await measure("8 keygens RSA-3072, one after the other", () => sequential(keygens(8)), { runs: 5, slowMs: 60_000 });
  await measure("8 keygens RSA-3072, all at once (libuv pool)", () => parallel(keygens(8)), {
    runs: 5,
    slowMs: 60_000,
  });

  const entries = Array.from({ length: 10_000 }, () => ({
    serial: randomSerialHex(),
    revokedAt: new Date(),
    reason: "superseded" as const,
  }));
  await measure(
    "CRL with 10,000 entries (build + native sign)",
    () =>
      buildCrl({
        ca,
        entries,
        crlNumber: 1,
        thisUpdate: new Date(),
        nextUpdate: new Date(Date.now() + 7 * 86_400_000),
      }),
    { runs: 10 },
  );
  rmSync(dir, { recursive: true, force: true });

  const { stdout: opensslVersion } = await run("openssl", ["version"]);
  console.log(`\n${describeMachine()}, ${opensslVersion.trim()}`);
  console.log(`CA: RSA-4096; 2 warm-up runs discarded; load average at the end ${loadAverage()}\n`);
  bench.printTable();
}

/**
 * What an admin waits for when clicking "Issue": issueHostCertificate on a temporary data
 * directory (keygen, build, native sign, seal the key, store certificate + supersede + audit in one
 * transaction) under an app-made RSA-4096 CA, for both leaf key sizes the settings offer most.
 */
async function measureAppPath(): Promise<void> {
  const temp = await prepareTempDataDir();
  const { createCertificateAuthority } = await import("@/lib/ca/cas");
  const { caCreateSchema } = await import("@/lib/ca/ca.schema");
  const { createHost } = await import("@/lib/hosts");
  const { hostCreateSchema } = await import("@/lib/hosts.schema");
  const { issueHostCertificate } = await import("@/lib/certificates");
  const { getSettings, saveSettings } = await import("@/lib/settings");
  const cli = { kind: "cli" } as const;
  await createCertificateAuthority(cli, caCreateSchema.parse({ commonName: "Bench CA", keySize: 4096 }));
  const host = await createHost(cli, hostCreateSchema.parse({ name: "docker1", ...SERVER }));
  for (const leafKeySize of [2048, 3072] as const) {
    await saveSettings(cli, { ...(await getSettings()), leafKeySize });
    await measure(`server cert through the app (keygen ${leafKeySize} + sign + seal + store + audit)`, () =>
      issueHostCertificate(cli, host.id, {}),
    );
  }
  temp.cleanup();
}

await main();
