import assert from "node:assert/strict";
import { before, test } from "node:test";
import { InputError } from "@/lib/errors";
import { mustOpenssl, openssl, opensslCa, tempDir, writeFiles } from "@/lib/pki/__tests__/tools";
import { createCa, importCa } from "@/lib/pki/ca";
import type { CaKeyPair } from "@/lib/pki/ca-signer";
import { buildCrl, type CrlEntry, REVOCATION_REASONS } from "@/lib/pki/crl";
import { keyLabel, keySpec } from "@/lib/pki/key-types";
import { randomSerialHex } from "@/lib/pki/serial";

const DAY = 86_400_000;
let dir: string;
let ca: CaKeyPair;
before(async () => {
  dir = tempDir();
  ca = await createCa({ commonName: "CRL Test CA", key: keySpec("rsa", 2048) });
});

/** openssl's -text of the CRL, after checking its signature against the CA. */
function opensslCrl(crlPem: string, caPem = ca.certPem): string {
  writeFiles(dir, { "crl.pem": crlPem, "crl-ca.pem": caPem });
  const check = openssl(["crl", "-in", "crl.pem", "-CAfile", "crl-ca.pem", "-verify", "-noout"], dir);
  assert.equal(check.status, 0, check.stderr);
  assert.match(check.stderr + check.stdout, /verify OK/);
  return mustOpenssl(["crl", "-in", "crl.pem", "-noout", "-text"], dir);
}

const crl = (entries: CrlEntry[], extra: Partial<Parameters<typeof buildCrl>[0]> = {}) =>
  buildCrl({ ca, entries, crlNumber: 7, thisUpdate: new Date(), nextUpdate: new Date(Date.now() + 7 * DAY), ...extra });

test("openssl verifies the CRL and lists each serial with its reason", () => {
  const entries: CrlEntry[] = [
    { serial: randomSerialHex(), revokedAt: new Date("2026-03-01T10:00:00Z"), reason: "keyCompromise" },
    { serial: randomSerialHex(), revokedAt: new Date("2026-03-02T10:00:00Z"), reason: "superseded" },
    { serial: randomSerialHex(), revokedAt: new Date("2026-03-03T10:00:00Z"), reason: "cessationOfOperation" },
    { serial: randomSerialHex(), revokedAt: new Date("2026-03-04T10:00:00Z") },
  ];
  const text = opensslCrl(crl(entries));
  assert.match(text, /Version 2 \(0x1\)/);
  assert.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
  assert.match(text, /Issuer: CN = CRL Test CA/);
  assert.match(text, /X509v3 CRL Number: \n\s+7/);
  assert.match(text, /X509v3 Authority Key Identifier/);
  const blocks = text.split("Serial Number: ").slice(1);
  assert.equal(blocks.length, 4);
  const expected = ["Key Compromise", "Superseded", "Cessation Of Operation", null];
  entries.forEach((entry, i) => {
    assert.ok(blocks[i].startsWith(entry.serial.toUpperCase()), blocks[i]);
    assert.match(blocks[i], new RegExp(`Revocation Date: Mar  ${i + 1} 10:00:00 2026 GMT`));
    if (expected[i]) assert.match(blocks[i], new RegExp(`CRL Reason Code: \\n\\s+${expected[i]}`));
    // unspecified is left out, as RFC 5280 asks
    else assert.doesNotMatch(blocks[i], /Reason/);
  });
});

test("an empty CRL is valid and says so", () => {
  assert.match(opensslCrl(crl([])), /No Revoked Certificates/);
});

test("dates from 2050 on are GeneralizedTime, serials with the top bit set stay positive", () => {
  const text = opensslCrl(
    crl([{ serial: "80ab", revokedAt: new Date("2026-05-05T00:00:00Z") }], {
      thisUpdate: new Date("2049-12-31T00:00:00Z"),
      nextUpdate: new Date("2051-06-01T12:00:00Z"),
    }),
  ).replace(/\s+/g, " ");
  assert.match(text, /Last Update: Dec 31 00:00:00 2049 GMT/);
  assert.match(text, /Next Update: Jun 1 12:00:00 2051 GMT/);
  assert.match(text, /Serial Number: 80AB /);
  const asn1 = mustOpenssl(["asn1parse", "-in", "crl.pem"], dir);
  assert.match(asn1, /UTCTIME\s+:491231000000Z/);
  assert.match(asn1, /GENERALIZEDTIME\s+:20510601120000Z/);
  assert.match(asn1, /INTEGER\s+:80AB/);
});

test("a CA imported from openssl (UTF8String subject) signs CRLs openssl accepts", () => {
  const imported = opensslCa(tempDir(), "/O=Bäckerei Ops/CN=Recipe CA", ["-utf8"]);
  const text = opensslCrl(
    buildCrl({
      ca: imported,
      entries: [{ serial: randomSerialHex(), revokedAt: new Date(), reason: "privilegeWithdrawn" }],
      crlNumber: 1,
      thisUpdate: new Date(),
      nextUpdate: new Date(Date.now() + DAY),
    }),
    imported.certPem,
  );
  assert.match(text, /Privilege Withdrawn/);
});

test("an ECDSA CA (P-256, P-384, made or imported) signs CRLs openssl verifies, listing every serial", async () => {
  const cas: [string, CaKeyPair, string][] = [
    ...(await Promise.all(
      [keySpec("ecdsa-p256"), keySpec("ecdsa-p384")].map(
        async (key): Promise<[string, CaKeyPair, string]> => [
          keyLabel(key),
          await createCa({ commonName: `CRL ${keyLabel(key)} CA`, key }),
          key.keyType === "ecdsa-p384" ? "ecdsa-with-SHA384" : "ecdsa-with-SHA256",
        ],
      ),
    )),
    [
      "imported P-384",
      importCa(opensslCa(tempDir(), "/CN=CRL EC Recipe CA", [], undefined, "P-384")),
      "ecdsa-with-SHA384",
    ],
  ];
  for (const [name, ecCa, algorithm] of cas) {
    const entries: CrlEntry[] = Array.from({ length: 5 }, (_, i) => ({
      serial: randomSerialHex(),
      revokedAt: new Date(Date.UTC(2026, 2, i + 1, 10)),
      reason: i % 2 ? "keyCompromise" : undefined,
    }));
    const pem = buildCrl({
      ca: ecCa,
      entries,
      crlNumber: 3,
      thisUpdate: new Date(),
      nextUpdate: new Date(Date.now() + DAY),
    });
    writeFiles(dir, { "ec-crl.pem": pem, "ec-ca.pem": ecCa.certPem });
    // with -CAfile, openssl crl checks the signature (and says "verify OK" or "verify failure")
    const check = openssl(["crl", "-in", "ec-crl.pem", "-CAfile", "ec-ca.pem", "-noout"], dir);
    assert.equal(check.status, 0, `${name}: ${check.stderr}`);
    assert.match(check.stderr + check.stdout, /verify OK/, name);
    const text = mustOpenssl(["crl", "-in", "ec-crl.pem", "-noout", "-text"], dir);
    assert.match(text, new RegExp(`Signature Algorithm: ${algorithm}`), name);
    const listed = [...text.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => m[1].toLowerCase());
    assert.deepEqual(
      listed,
      entries.map((e) => e.serial),
      name,
    );
  }
  // and the check is real: checked against another CA of the same name and curve, it fails
  const impostor = await createCa({ commonName: "CRL ECDSA P-256 CA", key: keySpec("ecdsa-p256") });
  writeFiles(dir, {
    "x-crl.pem": buildCrl({
      ca: cas[0][1],
      entries: [],
      crlNumber: 1,
      thisUpdate: new Date(),
      nextUpdate: new Date(Date.now() + DAY),
    }),
    "x-ca.pem": impostor.certPem,
  });
  const crossed = openssl(["crl", "-in", "x-crl.pem", "-CAfile", "x-ca.pem", "-noout"], dir);
  assert.match(crossed.stderr + crossed.stdout, /verify failure/);
});

test("10,000 entries", () => {
  const entries = Array.from({ length: 10_000 }, () => ({
    serial: randomSerialHex(),
    revokedAt: new Date(),
    reason: "keyCompromise" as const,
  }));
  const text = opensslCrl(crl(entries));
  assert.equal(text.split("Serial Number: ").length - 1, 10_000);
});

test("the reason list has names, codes and labels, and only RFC 5280 codes", () => {
  const rfc5280 = {
    unspecified: 0,
    keyCompromise: 1,
    affiliationChanged: 3,
    superseded: 4,
    cessationOfOperation: 5,
    privilegeWithdrawn: 9,
  };
  for (const reason of REVOCATION_REASONS) {
    assert.equal(reason.code, rfc5280[reason.name]);
    assert.ok(reason.label.length > 0);
  }
});

test("bad input is refused", () => {
  assert.throws(() => crl([], { crlNumber: -1 }), InputError);
  assert.throws(() => crl([], { nextUpdate: new Date(Date.now() - DAY) }), InputError);
  assert.throws(() => crl([{ serial: "01", revokedAt: new Date(), reason: "bored" as "superseded" }]), InputError);
});
