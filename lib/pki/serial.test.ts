import assert from "node:assert/strict";
import { test } from "node:test";
import { randomSerialHex, shortSerial } from "@/lib/pki/serial";

test("10,000 serials: 16 bytes, first byte 0x01-0x7f (positive, minimal DER), all different", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    const serial = randomSerialHex();
    assert.match(serial, /^[0-9a-f]{32}$/);
    const first = Number.parseInt(serial.slice(0, 2), 16);
    assert.ok(first >= 0x01 && first < 0x80, `first byte ${first.toString(16)} of ${serial}`);
    seen.add(serial);
  }
  assert.equal(seen.size, 10_000);
});

test("a short serial keeps the first 12 digits and marks the cut", () => {
  assert.equal(shortSerial("4eaf12c09b1d2e3f4a5b6c7d8e9f0a1b"), "4eaf12c09b1d…");
  assert.equal(shortSerial("4eaf12"), "4eaf12");
});
