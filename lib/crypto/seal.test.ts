import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { seal, unseal } from "@/lib/crypto/seal";

const key = randomBytes(32);
const secret = "-----BEGIN PRIVATE KEY-----\nMIIE...\n-----END PRIVATE KEY-----\n";

test("a sealed value opens with the same key and binding", () => {
  const sealed = seal(secret, "certificate:abc", key);
  assert.equal(unseal(sealed, "certificate:abc", key), secret);
  assert.ok(!Buffer.from(sealed).includes("PRIVATE KEY"));
});

test("every seal uses a fresh nonce", () => {
  assert.notDeepEqual(seal(secret, "x", key), seal(secret, "x", key));
});

test("a flipped bit anywhere is detected", () => {
  const sealed = seal(secret, "certificate:abc", key);
  for (const index of [1, 13, 20, sealed.length - 1]) {
    const tampered = Uint8Array.from(sealed);
    tampered[index] ^= 0x01;
    assert.throws(() => unseal(tampered, "certificate:abc", key), { name: "MasterKeyError" });
  }
});

test("a sealed key moved to another record does not open", () => {
  const sealed = seal(secret, "certificate:abc", key);
  assert.throws(() => unseal(sealed, "certificate:def", key), /cannot be decrypted/);
});

test("another master key gives a clear error, not garbage", () => {
  const sealed = seal(secret, "ca:1", key);
  assert.throws(() => unseal(sealed, "ca:1", randomBytes(32)), /master key differs/);
});

test("truncated or unknown-version data is refused", () => {
  assert.throws(() => unseal(new Uint8Array(10), "ca:1", key), /damaged or in an unknown format/);
  const sealed = seal(secret, "ca:1", key);
  sealed[0] = 9;
  assert.throws(() => unseal(sealed, "ca:1", key), /unknown format/);
});
