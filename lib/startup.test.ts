import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";

// prepareServer is what the server (instrumentation.ts, joined by scripts/server.mjs) and the CLI
// run before anything else. Here it runs on data directories made to go wrong.
const base = mkdtempSync(path.join(tmpdir(), "dockpki-startup-"));
const dir = path.join(base, "data");
mkdirSync(dir, { mode: 0o755 });
chmodSync(dir, 0o755);
process.env.DOCKPKI_DATA_DIR = dir;
delete process.env.DOCKPKI_MASTER_KEY;

const { prepareServer } = await import("@/lib/startup");
const { db } = await import("@/lib/db");
const { resetMasterKeyCache } = await import("@/lib/crypto/master-key");
const { createCertificateAuthority } = await import("@/lib/ca/cas");
const mode = (file: string) => (statSync(file).mode & 0o7777).toString(8);

after(async () => {
  await db.$disconnect();
});

test("the first start makes the data directory 0700, the database 0600 and a key file 0600", async () => {
  await prepareServer();
  assert.equal(mode(dir), "700");
  assert.equal(mode(path.join(dir, "dockpki.db")), "600");
  assert.equal(mode(path.join(dir, "master.key")), "600");
  chmodSync(dir, 0o755);
  chmodSync(path.join(dir, "dockpki.db"), 0o644);
  await prepareServer();
  assert.equal(mode(dir), "700", "an existing directory open to others is closed again");
  assert.equal(mode(path.join(dir, "dockpki.db")), "600");
});

test("a missing master key is never replaced while the database holds keys sealed with it", async () => {
  await createCertificateAuthority(
    { kind: "cli" },
    {
      commonName: "Startup CA",
      organization: undefined,
      organizationalUnit: undefined,
      keySize: 2048,
      days: 30,
    },
  );
  const keyFile = path.join(dir, "master.key");
  renameSync(keyFile, `${keyFile}.away`);
  resetMasterKeyCache();
  await assert.rejects(prepareServer(), {
    name: "StartupError",
    message: /master key is missing.*holds 1 private key sealed with it.*Put the original master\.key back/,
  });
  assert.throws(() => statSync(keyFile), /ENOENT/, "no new key file was made");
  renameSync(`${keyFile}.away`, keyFile);
  resetMasterKeyCache();
  await prepareServer();
});

test("a file that is not a dockpki database stops the start with what to do", async () => {
  const other = path.join(base, "other");
  mkdirSync(other);
  process.env.DOCKPKI_DATA_DIR = other;
  try {
    writeFileSync(path.join(other, "dockpki.db"), "not a database ".repeat(100));
    await assert.rejects(prepareServer(), {
      name: "StartupError",
      message: /cannot be used: file is not a database\. Restore the latest backup/,
    });
  } finally {
    process.env.DOCKPKI_DATA_DIR = dir;
  }
});

test("a bad DOCKPKI_TRUSTED_PROXIES stops the start", async () => {
  process.env.DOCKPKI_TRUSTED_PROXIES = "10.0.0.0/99";
  delete (globalThis as { dockpkiTrustedProxies?: unknown }).dockpkiTrustedProxies;
  try {
    await assert.rejects(prepareServer(), { name: "StartupError", message: /DOCKPKI_TRUSTED_PROXIES/ });
  } finally {
    delete process.env.DOCKPKI_TRUSTED_PROXIES;
    delete (globalThis as { dockpkiTrustedProxies?: unknown }).dockpkiTrustedProxies;
  }
});

test("a data directory others may write to is refused; a shared one keeps its mode", async () => {
  const shared = path.join(base, "shared");
  mkdirSync(shared);
  writeFileSync(path.join(shared, "someone-elses.txt"), "hello");
  process.env.DOCKPKI_DATA_DIR = shared;
  try {
    chmodSync(shared, 0o1777);
    await assert.rejects(prepareServer(), { name: "StartupError", message: /can be written by every user/ });
    assert.equal(mode(shared), "1777", "a directory that is not dockpki's keeps its mode");
    chmodSync(shared, 0o755);
    resetMasterKeyCache();
    // Only the modes matter here (this process's database connection belongs to the first directory).
    await prepareServer().catch(() => {});
    assert.equal(mode(shared), "755");
    assert.equal(mode(path.join(shared, "dockpki.db")), "600");
  } finally {
    process.env.DOCKPKI_DATA_DIR = dir;
    resetMasterKeyCache();
  }
});
