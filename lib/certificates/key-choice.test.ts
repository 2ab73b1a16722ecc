import assert from "node:assert/strict";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

// Which key a certificate gets: the request's choice, then the host's or client's, then the settings'.
const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { createCertificateAuthority } = await import("@/lib/ca/cas");
const { createClient, updateClient } = await import("@/lib/inventory/clients");
const { createHost, updateHost } = await import("@/lib/inventory/hosts");
const { hostCreateSchema } = await import("@/lib/inventory/hosts.schema");
const { issueClientCertificate, issueHostCertificate } = await import("@/lib/certificates/certificates");
const { chooseKeySpec } = await import("@/lib/pki/key-types");
const { getSettings, saveSettings } = await import("@/lib/settings");

const actor = { kind: "cli" } as const;
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

test("chooseKeySpec: the first choice naming a type wins; a size alone means RSA; RSA takes the first size named", () => {
  assert.deepEqual(chooseKeySpec({}, {}), { keyType: "ecdsa-p256", keySize: 256 });
  assert.deepEqual(chooseKeySpec({ keyType: "ecdsa-p384" }, { keyType: "rsa", keySize: 4096 }), {
    keyType: "ecdsa-p384",
    keySize: 384,
  });
  assert.deepEqual(chooseKeySpec({ keySize: 2048 }, { keyType: "ecdsa-p256" }), { keyType: "rsa", keySize: 2048 });
  assert.deepEqual(chooseKeySpec({}, { keyType: "rsa" }, { keyType: "ecdsa-p256", keySize: 3072 }), {
    keyType: "rsa",
    keySize: 3072,
  });
  assert.deepEqual(chooseKeySpec({ keyType: null }, { keyType: null }, { keyType: "ecdsa-p384", keySize: 3072 }), {
    keyType: "ecdsa-p384",
    keySize: 384,
  });
});

test("issuing: request over holder over settings, and a holder's key type survives unrelated edits", async () => {
  await createCertificateAuthority(actor, {
    commonName: "Choice CA",
    organization: undefined,
    organizationalUnit: undefined,
    keyType: "rsa",
    keySize: 2048,
    days: 365,
  });
  const settings = await getSettings();
  assert.equal(settings.leafKeyType, "ecdsa-p256", "a new install issues ECDSA P-256");
  const host = await createHost(
    actor,
    hostCreateSchema.parse({ name: "h1", dnsNames: ["h1.example.com"], keyType: "ecdsa-p384" }),
  );
  const client = await createClient(actor, { name: "c1", kind: "ci", notes: "", keyType: "rsa" });

  assert.equal((await issueHostCertificate(actor, host.id, {})).keyType, "ecdsa-p384");
  const rsa = await issueClientCertificate(actor, client.id, {});
  assert.deepEqual([rsa.keyType, rsa.keySize], ["rsa", 3072], "the holder's type, the settings' RSA size");
  const asked = await issueClientCertificate(actor, client.id, { keyType: "ecdsa-p256" });
  assert.equal(asked.keyType, "ecdsa-p256");

  await updateClient(actor, client.id, { renewalEnabled: false });
  await updateHost(actor, host.id, { notes: "rack 4" });
  assert.equal((await db.client.findUniqueOrThrow({ where: { id: client.id } })).keyType, "rsa");
  assert.equal((await db.host.findUniqueOrThrow({ where: { id: host.id } })).keyType, "ecdsa-p384");

  await saveSettings(actor, { ...settings, leafKeyType: "ecdsa-p384" });
  await updateHost(actor, host.id, { keyType: null });
  assert.equal((await issueHostCertificate(actor, host.id, {})).keyType, "ecdsa-p384", "back to the settings' type");
});
