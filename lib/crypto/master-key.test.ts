import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeEach, test } from "node:test";
import { createMasterKeyFile, loadMasterKey, resetMasterKeyCache } from "@/lib/crypto/master-key";

beforeEach(() => {
  resetMasterKeyCache();
  delete process.env.DOCKPKI_MASTER_KEY;
  process.env.DOCKPKI_DATA_DIR = mkdtempSync(path.join(tmpdir(), "dockpki-mk-"));
});

test("no key is ever made by reading one: a missing key file is an error", () => {
  assert.throws(() => loadMasterKey(), { name: "MasterKeyError", message: /There is no master key/ });
});

test("start-up creates a 0600 key file beside the database, and it is reused", () => {
  const key = createMasterKeyFile();
  const file = path.join(process.env.DOCKPKI_DATA_DIR as string, "master.key");
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(key.length, 32);
  resetMasterKeyCache();
  assert.deepEqual(loadMasterKey(), key);
  assert.equal(Buffer.from(readFileSync(file, "utf8").trim(), "base64").length, 32);
});

test("DOCKPKI_MASTER_KEY wins over the file", () => {
  const key = randomBytes(32);
  process.env.DOCKPKI_MASTER_KEY = key.toString("base64");
  assert.deepEqual(loadMasterKey(), key);
});

test("a malformed DOCKPKI_MASTER_KEY is refused with a clear message", () => {
  process.env.DOCKPKI_MASTER_KEY = randomBytes(16).toString("base64");
  assert.throws(() => loadMasterKey(), /DOCKPKI_MASTER_KEY must be the base64 encoding of exactly 32 bytes/);
});

test("a key file others can read is refused, and the message names no absolute path", () => {
  createMasterKeyFile();
  resetMasterKeyCache();
  chmodSync(path.join(process.env.DOCKPKI_DATA_DIR as string, "master.key"), 0o644);
  assert.throws(
    () => loadMasterKey(),
    (err: Error) => {
      assert.match(err.message, /master\.key in the data directory is readable by others/);
      assert.ok(!err.message.includes(process.env.DOCKPKI_DATA_DIR as string));
      return true;
    },
  );
});
