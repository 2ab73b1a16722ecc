import assert from "node:assert/strict";
import { before, test } from "node:test";
import { InputError } from "@/lib/errors";
import {
  hostileCsrPem,
  mustOpenssl,
  openssl,
  read,
  rsaSpkiDer,
  tempDir,
  der as toolsDer,
  writeFiles,
} from "@/lib/pki/__tests__/tools";
import { createCa } from "@/lib/pki/ca";
import type { CaKeyPair } from "@/lib/pki/ca-signer";
import { parseCsr } from "@/lib/pki/csr";
import { childrenOf, elementOf, readRoot, TAG } from "@/lib/pki/der";
import { keySpec } from "@/lib/pki/key-types";
import { derToPem, pemBlocks } from "@/lib/pki/pem";
import { buildClientCertificate } from "@/lib/pki/profiles";

let dir: string;
let ca: CaKeyPair;
before(async () => {
  dir = tempDir();
  ca = await createCa({ commonName: "CSR Test CA", key: keySpec("rsa", 2048) });
});

function csr(name: string, subj: string, newkey = "rsa:2048", extra: string[] = []): string {
  mustOpenssl(
    [
      "req",
      "-new",
      "-newkey",
      newkey,
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      subj,
      ...extra,
    ],
    dir,
  );
  return read(dir, `${name}.csr`);
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InputError, String(err));
    assert.deepEqual(Object.keys(err.fieldErrors), ["csrPem"]);
    return err.message;
  }
  assert.fail("accepted");
}

test("an openssl CSR gives its public key, size and CN", () => {
  const parsed = parseCsr(csr("plain", "/CN=laptop-alice", "rsa:3072"));
  assert.deepEqual(parsed.key, { keyType: "rsa", keySize: 3072 });
  assert.equal(parsed.commonName, "laptop-alice");
  const fromKey = mustOpenssl(["pkey", "-in", "plain.key", "-pubout"], dir);
  assert.equal(parsed.publicKeyPem, fromKey);
});

test("a UTF8String subject still verifies (forge must not re-encode what it signs over)", () => {
  const parsed = parseCsr(csr("utf8", "/CN=Jürgen Müller", "rsa:2048", ["-utf8"]));
  assert.equal(parsed.commonName, "Jürgen Müller");
});

test("requested extensions are ignored: the client profile decides", async () => {
  const pem = csr("greedy", "/CN=root", "rsa:2048", [
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "subjectAltName=DNS:evil.example",
    "-addext",
    "extendedKeyUsage=serverAuth,codeSigning",
  ]);
  const { publicKeyPem } = parseCsr(pem);
  const issued = await buildClientCertificate({ publicKeyPem, ca, commonName: "ci-runner", days: 30 });
  writeFiles(dir, { "greedy.pem": issued.certPem });
  const text = mustOpenssl(["x509", "-in", "greedy.pem", "-noout", "-text"], dir);
  assert.match(text, /Subject: CN = ci-runner/);
  assert.match(text, /CA:FALSE/);
  assert.doesNotMatch(text, /evil\.example|Code Signing|Server Authentication|CA:TRUE/);
});

test("a CSR with a flipped byte in its signature is refused", () => {
  const der = pemBlocks(csr("flip", "/CN=flip"), "CERTIFICATE REQUEST")[0];
  der[der.length - 10] ^= 0x01;
  assert.match(
    refusal(() => parseCsr(derToPem("CERTIFICATE REQUEST", der))),
    /signature does not match/,
  );
});

test("a CSR whose subject was changed after signing is refused", () => {
  const pem = csr("tamper", "/CN=aaaa");
  const der = pemBlocks(pem, "CERTIFICATE REQUEST")[0];
  const at = der.indexOf(Buffer.from("aaaa"));
  der.write("bbbb", at);
  assert.match(
    refusal(() => parseCsr(derToPem("CERTIFICATE REQUEST", der))),
    /signature does not match/,
  );
});

test("ECDSA requests made by openssl req (P-256, P-384) are read and get certificates openssl verifies", async () => {
  writeFiles(dir, { "csr-ca.pem": ca.certPem });
  for (const [curve, key, digest] of [
    ["P-256", { keyType: "ecdsa-p256", keySize: 256 }, "sha256"],
    ["P-384", { keyType: "ecdsa-p384", keySize: 384 }, "sha384"],
    ["P-256", { keyType: "ecdsa-p256", keySize: 256 }, "sha512"],
  ] as const) {
    const name = `ec-${curve}-${digest}`;
    const pem = csr(name, `/CN=${name}`, "ec", ["-pkeyopt", `ec_paramgen_curve:${curve}`, `-${digest}`]);
    const parsed = parseCsr(pem);
    assert.deepEqual(parsed.key, key, name);
    assert.equal(parsed.commonName, name);
    assert.equal(parsed.publicKeyPem, mustOpenssl(["pkey", "-in", `${name}.key`, "-pubout"], dir));
    const issued = await buildClientCertificate({ publicKeyPem: parsed.publicKeyPem, ca, commonName: name, days: 7 });
    assert.deepEqual(issued.key, key);
    writeFiles(dir, { [`${name}.pem`]: issued.certPem });
    const r = openssl(["verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", "csr-ca.pem", `${name}.pem`], dir);
    assert.equal(r.status, 0, `${name}: ${r.stderr}${r.stdout}`);
    // the certificate carries the requester's key, which openssl matches to the private key it kept
    assert.equal(
      mustOpenssl(["x509", "-in", `${name}.pem`, "-noout", "-pubkey"], dir),
      mustOpenssl(["pkey", "-in", `${name}.key`, "-pubout"], dir),
    );
    // a flipped bit in an ECDSA signature is caught too
    const der = pemBlocks(pem, "CERTIFICATE REQUEST")[0];
    der[der.length - 3] ^= 0x01;
    assert.match(
      refusal(() => parseCsr(derToPem("CERTIFICATE REQUEST", der))),
      /signature does not match|damaged/,
    );
  }
});

/** The request with its signatureAlgorithm swapped for another (the signature bytes stay). */
function withAlgorithm(pem: string, algorithmHex: string): string {
  const der = pemBlocks(pem, "CERTIFICATE REQUEST")[0];
  const [info, , signature] = childrenOf(der, readRoot(der, TAG.SEQUENCE));
  const parts = [elementOf(der, info), Buffer.from(algorithmHex, "hex"), elementOf(der, signature)];
  return derToPem("CERTIFICATE REQUEST", toolsDer(0x30, ...parts));
}

test("the signature algorithm must fit the key: RSA's on an EC key, or ECDSA's on an RSA key, is refused", () => {
  const sha256WithRsa = "300d06092a864886f70d01010b0500";
  const ecdsaWithSha256 = "300a06082a8648ce3d040302";
  const ec = csr("ec-swap", "/CN=ec-swap", "ec", ["-pkeyopt", "ec_paramgen_curve:P-256"]);
  assert.match(
    refusal(() => parseCsr(withAlgorithm(ec, sha256WithRsa))),
    /signed with an algorithm dockpki cannot check for its key/,
  );
  const rsa = csr("rsa-swap", "/CN=rsa-swap");
  assert.match(
    refusal(() => parseCsr(withAlgorithm(rsa, ecdsaWithSha256))),
    /signed with an algorithm dockpki cannot check for its key/,
  );
  // the surgery itself leaves a sound request: put back, the algorithm is accepted again
  assert.equal(parseCsr(withAlgorithm(ec, ecdsaWithSha256)).commonName, "ec-swap");
});

test("an ECDSA request signed with SHA-1 is refused, as an RSA one is", () => {
  const pem = csr("ec-sha1", "/CN=ec-sha1", "ec", ["-pkeyopt", "ec_paramgen_curve:P-256", "-sha1"]);
  assert.match(mustOpenssl(["req", "-in", "ec-sha1.csr", "-noout", "-text"], dir), /ecdsa-with-SHA1/);
  assert.match(
    refusal(() => parseCsr(pem)),
    /signed with SHA-1, which is no longer safe/,
  );
});

// Go's crypto/x509 (dockerd, the docker CLI) reads only uncompressed EC points: a certificate that
// carries a compressed one fails to parse ("x509: failed to unmarshal elliptic curve point"), so the
// request must be refused, or its key written out uncompressed: dockpki writes it uncompressed.
test("a request whose EC point is compressed gets a certificate Go can read, or a refusal", async () => {
  mustOpenssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "c0.key"], dir);
  mustOpenssl(["ec", "-in", "c0.key", "-conv_form", "compressed", "-out", "compressed.key"], dir);
  mustOpenssl(["req", "-new", "-key", "compressed.key", "-subj", "/CN=compressed", "-out", "compressed.csr"], dir);
  assert.match(mustOpenssl(["req", "-in", "compressed.csr", "-noout", "-text"], dir), /pub:\s*\n\s*0[23]:/);
  let publicKeyPem: string;
  try {
    publicKeyPem = parseCsr(read(dir, "compressed.csr")).publicKeyPem;
  } catch (err) {
    assert.ok(err instanceof InputError, String(err));
    return;
  }
  const issued = await buildClientCertificate({ publicKeyPem, ca, commonName: "compressed", days: 7 });
  writeFiles(dir, { "compressed.pem": issued.certPem });
  assert.match(mustOpenssl(["x509", "-in", "compressed.pem", "-noout", "-text"], dir), /pub:\s*\n\s*04:/);
});

test("P-521, Ed25519 and short RSA keys are refused in plain words; garbage too", () => {
  mustOpenssl(["ecparam", "-name", "secp521r1", "-genkey", "-noout", "-out", "p521.key"], dir);
  mustOpenssl(["req", "-new", "-key", "p521.key", "-subj", "/CN=p521", "-out", "p521.csr"], dir);
  assert.match(
    refusal(() => parseCsr(read(dir, "p521.csr"))),
    /^dockpki works with EC keys on P-256 or P-384 only; this request has an EC key \(P-521\)\. Create it with: openssl req /,
  );
  mustOpenssl(["genpkey", "-algorithm", "ed25519", "-out", "ed.key"], dir);
  mustOpenssl(["req", "-new", "-key", "ed.key", "-subj", "/CN=ed", "-out", "ed.csr"], dir);
  assert.match(
    refusal(() => parseCsr(read(dir, "ed.csr"))),
    /ECDSA \(P-256, P-384\) and RSA keys; this request has an Ed25519 key\./,
  );
  assert.match(
    refusal(() => parseCsr(csr("short", "/CN=short", "rsa:1024"))),
    /RSA keys of 2048 to 8192 bits; this request has an RSA key of 1024 bits/,
  );
  assert.match(
    refusal(() => parseCsr("hello")),
    /No certificate request found/,
  );
  assert.match(
    refusal(() => parseCsr("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----")),
    /damaged/,
  );
});

test("a CSR signed with RSA-PSS is refused as an algorithm dockpki cannot check", () => {
  mustOpenssl(["genrsa", "-out", "pss.key", "2048"], dir);
  mustOpenssl(
    ["req", "-new", "-key", "pss.key", "-subj", "/CN=pss", "-sigopt", "rsa_padding_mode:pss", "-out", "pss.csr"],
    dir,
  );
  assert.match(
    refusal(() => parseCsr(read(dir, "pss.csr"))),
    /algorithm dockpki cannot check/,
  );
});

// Before anything is computed with a key from outside, its size and exponent are checked: forge's
// pure-JS modPow took 6 to 33 s on the event loop for these. A regression fails on time, not by hanging.
test("a CSR with a 131,072-bit modulus is refused before anything is computed", { timeout: 5000 }, () => {
  const started = performance.now();
  assert.match(
    refusal(() => parseCsr(hostileCsrPem(rsaSpkiDer(131_072, 65537n)))),
    /RSA keys of 2048 to 8192 bits; this request has an RSA key of 131072 bits/,
  );
  assert.ok(performance.now() - started < 1000, `took ${Math.round(performance.now() - started)} ms`);
});

test("a CSR whose exponent is 2^300000+1 is refused before anything is computed", { timeout: 5000 }, () => {
  const pem = hostileCsrPem(rsaSpkiDer(2048, (1n << 300_000n) + 1n));
  assert.ok(pem.length > 50_000, "as large as the report's 52 KB request");
  const started = performance.now();
  assert.match(
    refusal(() => parseCsr(pem)),
    /small odd number such as 65537; this request has an RSA key whose public exponent is a 300001-bit number/,
  );
  assert.ok(performance.now() - started < 1000, `took ${Math.round(performance.now() - started)} ms`);
});

test("exponents: 3 and 65537 are fine; even, 1 and above 2^31-1 (Go refuses those) are not", () => {
  const e3 = csr("e3", "/CN=e3", "rsa:2048", ["-pkeyopt", "rsa_keygen_pubexp:3"]);
  assert.deepEqual(parseCsr(e3).key, { keyType: "rsa", keySize: 2048 });
  mustOpenssl(
    [
      "genpkey",
      "-algorithm",
      "RSA",
      "-pkeyopt",
      "rsa_keygen_bits:2048",
      "-pkeyopt",
      "rsa_keygen_pubexp:4294967297",
      "-out",
      "e32.key",
    ],
    dir,
  );
  mustOpenssl(["req", "-new", "-key", "e32.key", "-subj", "/CN=e32", "-out", "e32.csr"], dir);
  assert.match(
    refusal(() => parseCsr(read(dir, "e32.csr"))),
    /this request has an RSA key whose public exponent is 4294967297\./,
  );
  for (const e of [1n, 4n]) {
    assert.match(
      refusal(() => parseCsr(hostileCsrPem(rsaSpkiDer(2048, e)))),
      new RegExp(`public exponent is ${e}\\.`),
    );
  }
});

test("SHA-1 signed requests are refused; SHA-384 and SHA-512 ones are checked natively and accepted", () => {
  assert.match(
    refusal(() => parseCsr(csr("sha1", "/CN=sha1", "rsa:2048", ["-sha1"]))),
    /signed with SHA-1/,
  );
  for (const digest of ["sha384", "sha512"]) {
    const pem = csr(digest, `/CN=${digest}`, "rsa:2048", [`-${digest}`]);
    assert.equal(parseCsr(pem).commonName, digest);
    const der = pemBlocks(pem, "CERTIFICATE REQUEST")[0];
    der[der.length - 1] ^= 0x01;
    assert.match(
      refusal(() => parseCsr(derToPem("CERTIFICATE REQUEST", der))),
      /signature does not match/,
    );
  }
});

test("a request with bytes after it, or a signature that is not a whole number of bytes, is damaged", () => {
  const der = pemBlocks(csr("trail", "/CN=trail"), "CERTIFICATE REQUEST")[0];
  assert.match(
    refusal(() => parseCsr(derToPem("CERTIFICATE REQUEST", Buffer.concat([der, Buffer.from([0, 0])])))),
    /damaged/,
  );
  const unused = Buffer.from(der);
  unused[unused.length - 257] = 1; // the BIT STRING's unused-bits byte, before a 256-byte signature
  assert.match(
    refusal(() => parseCsr(derToPem("CERTIFICATE REQUEST", unused))),
    /damaged|signature does not match/,
  );
});
