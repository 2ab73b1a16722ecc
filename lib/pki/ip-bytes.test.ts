import assert from "node:assert/strict";
import { test } from "node:test";
import { ipToBytes } from "@/lib/pki/ip-bytes";

const hex = (ip: string) => ipToBytes(ip)?.toString("hex") ?? null;

test("IPv4 is 4 bytes", () => {
  assert.equal(hex("127.0.0.1"), "7f000001");
  assert.equal(hex("10.20.30.40"), "0a141e28");
});

test("IPv6 is 16 bytes in every spelling", () => {
  assert.equal(hex("::1"), "00000000000000000000000000000001");
  assert.equal(hex("::"), "00000000000000000000000000000000");
  assert.equal(hex("2001:db8::1"), "20010db8000000000000000000000001");
  assert.equal(hex("fe80::"), "fe800000000000000000000000000000");
  assert.equal(hex("1:2:3:4:5:6:7:8"), "00010002000300040005000600070008");
  assert.equal(hex("2001:DB8:0:0:0:0:0:ABC"), "20010db8000000000000000000000abc");
  assert.equal(hex("::ffff:192.0.2.1"), "00000000000000000000ffffc0000201");
});

test("not an address: null", () => {
  for (const bad of ["zz::1", "1.2.3", "256.1.1.1", "fe80::1%eth0", "localhost", "", "1:2:3:4:5:6:7:8:9"]) {
    assert.equal(ipToBytes(bad), null, bad);
  }
});
