import assert from "node:assert/strict";
import { before, test } from "node:test";
import { der, mustOpenssl, read, tempDir } from "@/lib/pki/__tests__/tools";
import { DerError } from "@/lib/pki/der";
import {
  type NameConstraints,
  nameConstraintsRefusal,
  namesNotAllowed,
  parseNameConstraints,
  readNameConstraints,
} from "@/lib/pki/name-constraints";
import { pemBlocks } from "@/lib/pki/pem";

// CAs made by the openssl CLI; the matching rules are Go's (crypto/x509 verify.go, constraints.go).
let dir: string;
let count = 0;
before(() => {
  dir = tempDir();
  mustOpenssl(["genrsa", "-out", "ca-key.pem", "2048"], dir);
});

function constraintsOf(spec: string): NameConstraints | null {
  const out = `ca${count++}.pem`;
  const ext = spec ? ["-addext", `nameConstraints=${spec}`] : [];
  mustOpenssl(
    ["req", "-new", "-x509", "-key", "ca-key.pem", "-subj", "/CN=NC", "-days", "1", ...ext, "-out", out],
    dir,
  );
  return readNameConstraints(pemBlocks(read(dir, out), "CERTIFICATE")[0]);
}

const refused = (c: NameConstraints | null, dnsNames: string[], ipAddresses: string[] = []) =>
  namesNotAllowed(c as NameConstraints, { dnsNames, ipAddresses });

test("no extension: null", () => {
  assert.equal(constraintsOf(""), null);
});

test('"example.com" allows itself and its subdomains, in any case; nothing else of its form', () => {
  const c = constraintsOf("critical,permitted;DNS:example.com");
  assert.deepEqual(c?.permittedDns, ["example.com"]);
  assert.deepEqual(refused(c, ["example.com", "docker1.example.com", "A.B.EXAMPLE.COM", "*.example.com"]), []);
  assert.deepEqual(refused(c, ["notexample.com", "example.com.evil.org", "example.org"]), [
    "notexample.com",
    "example.com.evil.org",
    "example.org",
  ]);
  // no IP constraint: IPs are not restricted
  assert.deepEqual(refused(c, [], ["192.0.2.1", "::1"]), []);
});

test('".example.com" allows only subdomains', () => {
  const c = constraintsOf("permitted;DNS:.example.com");
  assert.deepEqual(refused(c, ["example.com", "docker1.example.com"]), ["example.com"]);
});

test("IP constraints are address and mask, of one family", () => {
  const c = constraintsOf("permitted;IP:10.0.0.0/255.0.0.0,permitted;IP:2001:db8::/ffff:ffff::");
  assert.deepEqual(
    c?.permittedIp.map((r) => [r.ip.toString("hex"), r.mask.toString("hex")]),
    [
      ["0a000000", "ff000000"],
      ["20010db8000000000000000000000000", "ffffffff000000000000000000000000"],
    ],
  );
  assert.deepEqual(refused(c, [], ["10.255.1.2", "2001:db8:ffff::1"]), []);
  assert.deepEqual(refused(c, [], ["11.0.0.1", "127.0.0.1", "::1", "::ffff:10.0.0.1"]), [
    "11.0.0.1",
    "127.0.0.1",
    "::1",
    "::ffff:10.0.0.1",
  ]);
  // only IPs are constrained: any DNS name passes
  assert.deepEqual(refused(c, ["localhost", "anything.example"]), []);
});

test("an excluded subtree wins over a permitted one; an excluded name also rules out the wildcard above it", () => {
  const c = constraintsOf(
    "permitted;DNS:example.com,excluded;DNS:secret.example.com,excluded;DNS:.internal.example.com,excluded;IP:10.9.0.0/255.255.0.0",
  );
  assert.deepEqual(
    refused(c, ["docker1.example.com", "secret.example.com", "a.secret.example.com", "notsecret.example.com"]),
    ["secret.example.com", "a.secret.example.com"],
  );
  assert.deepEqual(refused(c, ["internal.example.com", "db.internal.example.com"]), ["db.internal.example.com"]);
  // recent Go: "*.example.com" claims secret.example.com, so the exclusion rules it out
  assert.deepEqual(refused(c, ["*.example.com", "*.internal.example.com", "*.other.example.com"]), [
    "*.example.com",
    "*.internal.example.com",
  ]);
  assert.deepEqual(refused(c, [], ["10.8.0.1", "10.9.200.1"]), ["10.9.200.1"]);
});

test("the sentence names every name the CA does not allow, or is null", () => {
  const c = constraintsOf("permitted;DNS:example.com,permitted;IP:10.0.0.0/255.0.0.0") as NameConstraints;
  assert.equal(nameConstraintsRefusal(c, { dnsNames: ["docker1.example.com"], ipAddresses: ["10.0.0.1"] }), null);
  assert.equal(
    nameConstraintsRefusal(c, { dnsNames: ["docker1.example.com", "docker1.lan"], ipAddresses: ["192.0.2.1"] }),
    "The CA's name constraints do not allow docker1.lan and 192.0.2.1, so Docker would refuse any certificate that names them.",
  );
});

test("forms Go does not check are flagged; what Go cannot parse is a DerError", () => {
  assert.equal(constraintsOf("permitted;email:example.com")?.unhandledForms, false);
  const subtrees = (tag: number, ...bases: Buffer[]) => der(0x30, der(tag, ...bases.map((base) => der(0x30, base))));
  const directoryName = der(0xa4, der(0x30)); // [4] Name, the form Go leaves unchecked
  assert.equal(parseNameConstraints(subtrees(0xa0, directoryName)).unhandledForms, true);
  const ip = (hex: string) => der(0x87, Buffer.from(hex, "hex"));
  assert.deepEqual(parseNameConstraints(subtrees(0xa1, ip("0a000000ff000000"))).excludedIp.length, 1);
  assert.throws(() => parseNameConstraints(subtrees(0xa0, ip("0a000000ff00ff00"))), DerError); // mask with a hole
  assert.throws(() => parseNameConstraints(subtrees(0xa0, ip("0a000000ff"))), DerError); // 5 bytes
  assert.throws(() => parseNameConstraints(der(0x30)), DerError); // neither permitted nor excluded
  assert.throws(() => parseNameConstraints(der(0x30, der(0xa0))), DerError); // empty subtrees
  assert.throws(() => parseNameConstraints(subtrees(0xa0, der(0x82, Buffer.from("exa mple.com")))), DerError);
});
