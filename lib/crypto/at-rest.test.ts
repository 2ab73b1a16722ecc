import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { findKeyMaterial, readDatabaseBytes } from "@/lib/test-support/raw-db";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

// Every private key dockpki stores goes through the app's own storage path here; then the raw
// database file (and its WAL) is searched the way someone holding a copy of it would.
const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { unseal } = await import("@/lib/crypto/seal");
const { createCertificateAuthority, importCertificateAuthority } = await import("@/lib/ca/cas");
const { createHost } = await import("@/lib/inventory/hosts");
const { createClient } = await import("@/lib/inventory/clients");
const { issueClientCertificate, issueHostCertificate } = await import("@/lib/certificates/certificates");

const actor = { kind: "cli" } as const;
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

test("no stored private key can be read from the database file", { timeout: 120_000 }, async () => {
  await createCertificateAuthority(actor, {
    commonName: "At Rest CA",
    organization: undefined,
    organizationalUnit: undefined,
    keySize: 2048,
    days: 365,
  });
  // A CA imported from the classic recipe, as the successor in a rotation.
  const dir = mkdtempSync(path.join(tmpdir(), "dockpki-rest-"));
  execFileSync("openssl", ["genrsa", "-out", "ca-key.pem", "2048"], { cwd: dir, stdio: "ignore" });
  execFileSync(
    "openssl",
    ["req", "-new", "-x509", "-days", "30", "-key", "ca-key.pem", "-sha256", "-subj", "/CN=Imported", "-out", "ca.pem"],
    { cwd: dir, stdio: "ignore" },
  );
  const importedKeyPem = readFileSync(path.join(dir, "ca-key.pem"), "utf8");
  await importCertificateAuthority(
    actor,
    { certPem: readFileSync(path.join(dir, "ca.pem"), "utf8"), keyPem: importedKeyPem, passphrase: undefined },
    "rotate",
  );

  const host = await createHost(actor, {
    name: "rest-host",
    dnsNames: ["rest.example.com"],
    ipAddresses: ["10.1.2.3"],
    port: 2376,
    configStyle: "systemd",
    keepUnixSocket: true,
    localAccess: false,
    tlsMode: "mtls",
    role: "standalone",
    labels: "",
    notes: "",
  });
  const client = await createClient(actor, { name: "rest-client", kind: "person", notes: "" });
  await issueHostCertificate(actor, host.id, { days: 30, csrPem: undefined });
  await issueClientCertificate(actor, client.id, { days: 30, csrPem: undefined });

  const keys: { label: string; pem: string }[] = [{ label: "the imported CA key as pasted", pem: importedKeyPem }];
  for (const ca of await db.certificateAuthority.findMany({ select: { id: true, keySealed: true } })) {
    keys.push({ label: `CA ${ca.id}`, pem: unseal(ca.keySealed, `ca:${ca.id}`) });
  }
  for (const cert of await db.certificate.findMany({ select: { id: true, keySealed: true } })) {
    keys.push({ label: `certificate ${cert.id}`, pem: unseal(cert.keySealed as Uint8Array, `certificate:${cert.id}`) });
  }
  assert.equal(keys.length, 5);
  const stored = await readDatabaseBytes(env);
  for (const key of keys) {
    assert.match(key.pem, /PRIVATE KEY/);
    assert.deepEqual(findKeyMaterial(stored, key.pem), [], `${key.label} is readable in the database`);
  }
  // And the check itself can see a key when one is there.
  await db.setting.create({ data: { key: "probe", value: keys[1].pem } });
  assert.notDeepEqual(findKeyMaterial(await readDatabaseBytes(env), keys[1].pem), []);
  await db.setting.delete({ where: { key: "probe" } });
});
