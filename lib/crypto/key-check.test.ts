import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { checkMasterKey } = await import("@/lib/crypto/key-check");
const { resetMasterKeyCache } = await import("@/lib/crypto/master-key");
const { createCertificateAuthority, loadActiveCaSigner } = await import("@/lib/ca/cas");

after(async () => {
  await db.$disconnect();
  env.cleanup();
});

test("instances starting together on a new database all pass the check, and one check value is kept", async () => {
  await db.setting.deleteMany({ where: { key: "masterKeyCheck" } });
  const results = await Promise.all(Array.from({ length: 6 }, () => checkMasterKey()));
  assert.deepEqual(results, Array(6).fill(null));
  assert.equal(await db.setting.count({ where: { key: "masterKeyCheck" } }), 1);
});

test("the first start seals a check value; the same key passes it again", async () => {
  assert.equal(await checkMasterKey(), null);
  assert.equal(await db.setting.count({ where: { key: "masterKeyCheck" } }), 1);
  assert.equal(await checkMasterKey(), null);
});

test("another master key is named as the problem, and stored keys are refused, not garbled", async () => {
  await createCertificateAuthority(
    { kind: "cli" },
    { commonName: "Key Check CA", organization: undefined, organizationalUnit: undefined, keySize: 2048, days: 30 },
  );
  const original = process.env.DOCKPKI_MASTER_KEY;
  process.env.DOCKPKI_MASTER_KEY = randomBytes(32).toString("base64");
  resetMasterKeyCache();
  try {
    assert.match((await checkMasterKey()) ?? "", /master key differs.*Restore the original master key/);
    await assert.rejects(loadActiveCaSigner(), { name: "MasterKeyError", message: /cannot be decrypted/ });
  } finally {
    process.env.DOCKPKI_MASTER_KEY = original;
    resetMasterKeyCache();
  }
  assert.equal(await checkMasterKey(), null);
  assert.match((await loadActiveCaSigner()).keyPem, /BEGIN PRIVATE KEY/);
});

test("a malformed DOCKPKI_MASTER_KEY is reported, not thrown at every page", async () => {
  const original = process.env.DOCKPKI_MASTER_KEY;
  process.env.DOCKPKI_MASTER_KEY = "not-base64-of-32-bytes";
  resetMasterKeyCache();
  try {
    assert.match((await checkMasterKey()) ?? "", /DOCKPKI_MASTER_KEY must be the base64 encoding of exactly 32 bytes/);
  } finally {
    process.env.DOCKPKI_MASTER_KEY = original;
    resetMasterKeyCache();
  }
});
