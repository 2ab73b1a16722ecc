import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  clientAddressOf,
  normalizeAddress,
  PEER_HEADER,
  parseTrustedProxies,
  peerAddress,
  resolveClientAddress,
} from "@/lib/auth/client-address";

const none = parseTrustedProxies("");
const proxies = parseTrustedProxies("10.0.0.0/8, 2001:db8:ffff::/48 192.0.2.1");

describe("the client address", () => {
  test("without trusted proxies, X-Forwarded-For counts for nothing", () => {
    assert.equal(resolveClientAddress("198.51.100.9", "6.6.6.6", none), "198.51.100.9");
    assert.equal(resolveClientAddress("198.51.100.9", "garbage, 1.2.3.4", none), "198.51.100.9");
  });

  test("behind trusted proxies: the right-most hop that is not one of them", () => {
    // The client wrote 6.6.6.6 itself; the proxy appended what it saw.
    assert.equal(resolveClientAddress("10.0.0.5", "6.6.6.6, 203.0.113.7", proxies), "203.0.113.7");
    assert.equal(resolveClientAddress("10.0.0.5", "203.0.113.7, 10.1.1.1, 192.0.2.1", proxies), "203.0.113.7");
    assert.equal(resolveClientAddress("2001:db8:ffff::2", "[2001:db8:1::5]", proxies), "2001:db8:1::5");
    // Every hop trusted: the left-most is as far as anyone can tell.
    assert.equal(resolveClientAddress("10.0.0.5", "10.9.9.9, 10.0.0.7", proxies), "10.9.9.9");
    // A proxy that passes garbage on: the proxy itself is the client.
    assert.equal(resolveClientAddress("10.0.0.5", "not-an-ip", proxies), "10.0.0.5");
    assert.equal(resolveClientAddress("10.0.0.5", null, proxies), "10.0.0.5");
    // Some load balancers write the hop's port too.
    assert.equal(resolveClientAddress("10.0.0.5", "203.0.113.7:51234", proxies), "203.0.113.7");
  });

  test("addresses are normalised, and anything else is refused", () => {
    assert.equal(normalizeAddress("::ffff:127.0.0.1"), "127.0.0.1");
    assert.equal(normalizeAddress("2001:DB8:0::1"), "2001:db8::1");
    assert.equal(normalizeAddress("fe80::1%eth0"), "fe80::1");
    for (const bad of ["", "1.2.3", "x".repeat(8000), "1.2.3.4\r\nX: y", "::g"])
      assert.equal(normalizeAddress(bad), null);
  });

  test("DOCKPKI_TRUSTED_PROXIES refuses what is not an address or CIDR", () => {
    for (const bad of ["10.0.0.0/33", "example.com", "10.0.0.1/8/1", "::1/129", "10.0.0.0/x", "10.0.0.1/", "::/"]) {
      assert.throws(() => parseTrustedProxies(bad), /DOCKPKI_TRUSTED_PROXIES: ".*" is not an IP address or CIDR/);
    }
    for (const everyone of ["0.0.0.0/0", "10.0.0.1/0", "::/0"]) {
      assert.throws(() => parseTrustedProxies(everyone), /would trust every address/);
    }
  });

  test("the peer header counts only when this process's server wrote it", () => {
    const token = "t0ken";
    (globalThis as Record<symbol, unknown>)[Symbol.for("dockpki.peer-token")] = token;
    assert.equal(peerAddress(`${token} ::ffff:192.0.2.44`), "192.0.2.44");
    assert.equal(peerAddress("forged 192.0.2.44"), null);
    assert.equal(peerAddress("192.0.2.44"), null);
    const headers = new Headers({ [PEER_HEADER]: `${token} 198.51.100.3`, "x-forwarded-for": "6.6.6.6" });
    assert.equal(clientAddressOf(headers), "198.51.100.3");
    assert.equal(clientAddressOf(new Headers({ "x-forwarded-for": "6.6.6.6" })), null);
  });
});
