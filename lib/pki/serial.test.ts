import assert from "node:assert/strict";
import { test } from "node:test";
import { randomSerialHex } from "@/lib/pki/serial";

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
