import assert from "node:assert/strict";
import { test } from "node:test";
import { hashPassword, verifyPassword } from "@/lib/auth/password";

test("scrypt hashes verify the right password only", async () => {
  const hash = await hashPassword("correct horse battery staple");
  assert.match(hash, /^scrypt\$32768\$8\$1\$/);
  assert.ok(!hash.includes("correct horse"));
  assert.equal(await verifyPassword("correct horse battery staple", hash), true);
  assert.equal(await verifyPassword("correct horse battery stapler", hash), false);
  assert.equal(await verifyPassword("", hash), false);
});

test("the same password hashes differently each time (random salt)", async () => {
  assert.notEqual(await hashPassword("same password here"), await hashPassword("same password here"));
});

test("a malformed stored hash never verifies", async () => {
  assert.equal(await verifyPassword("x", "md5$abc"), false);
  assert.equal(await verifyPassword("x", ""), false);
});
