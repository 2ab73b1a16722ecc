import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { InputError } from "@/lib/errors";
import { mustOpenssl, read, rsaSpkiDer, tempDir } from "@/lib/pki/__tests__/tools";
import { readPublicKey, spkiSha256 } from "@/lib/pki/keys";
import { derToPem } from "@/lib/pki/pem";

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InputError, String(err));
    assert.deepEqual(Object.keys(err.fieldErrors), ["publicKeyPem"]);
    return err.message;
  }
  assert.fail("accepted");
}

test("spkiSha256: the same digest as openssl's for the public key, the private key and a certificate", () => {
  const dir = tempDir();
  mustOpenssl(["genrsa", "-out", "key.pem", "2048"], dir);
  mustOpenssl(["pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem"], dir);
  mustOpenssl(["pkey", "-in", "key.pem", "-pubout", "-outform", "DER", "-out", "pub.der"], dir);
  mustOpenssl(["rsa", "-in", "key.pem", "-traditional", "-out", "pkcs1.pem"], dir);
  mustOpenssl(["rsa", "-in", "key.pem", "-RSAPublicKey_out", "-out", "pkcs1-pub.pem"], dir);
  mustOpenssl(["req", "-new", "-x509", "-key", "key.pem", "-subj", "/CN=spki", "-days", "1", "-out", "cert.pem"], dir);
  const expected = mustOpenssl(["dgst", "-sha256", "-r", "pub.der"], dir).split(" ")[0];
  assert.match(expected, /^[0-9a-f]{64}$/);
  for (const file of ["key.pem", "pkcs1.pem", "pub.pem", "pkcs1-pub.pem", "cert.pem"]) {
    assert.equal(spkiSha256(read(dir, file)), expected, file);
  }
  // a key of another type has its own SPKI
  mustOpenssl(["genpkey", "-algorithm", "ed25519", "-out", "ed.pem"], dir);
  mustOpenssl(["pkey", "-in", "ed.pem", "-pubout", "-outform", "DER", "-out", "ed.der"], dir);
  assert.equal(spkiSha256(read(dir, "ed.pem")), mustOpenssl(["dgst", "-sha256", "-r", "ed.der"], dir).split(" ")[0]);
  // an EC public key, read straight from its PEM, hashes as openssl's DER does
  mustOpenssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec.pem"], dir);
  mustOpenssl(["pkey", "-in", "ec.pem", "-pubout", "-out", "ec-pub.pem"], dir);
  mustOpenssl(["pkey", "-in", "ec.pem", "-pubout", "-outform", "DER", "-out", "ec.der"], dir);
  const ecExpected = mustOpenssl(["dgst", "-sha256", "-r", "ec.der"], dir).split(" ")[0];
  assert.equal(spkiSha256(read(dir, "ec-pub.pem")), ecExpected);
  assert.equal(spkiSha256(read(dir, "ec.pem")), ecExpected);
  assert.throws(() => spkiSha256("nope"), InputError);
  assert.throws(() => spkiSha256("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), InputError);
  const trailing = Buffer.concat([readFileSync(path.join(dir, "ec.der")), Buffer.from([0])]).toString("base64");
  assert.throws(() => spkiSha256(`-----BEGIN PUBLIC KEY-----\n${trailing}\n-----END PUBLIC KEY-----\n`), InputError);
});

test("readPublicKey: RSA of 2048 to 8192 bits with a small odd exponent", () => {
  const pem = (bits: number, e: bigint) => derToPem("PUBLIC KEY", rsaSpkiDer(bits, e));
  const big = readPublicKey(pem(8192, 65537n));
  assert.deepEqual([big.keyType, big.keySize], ["rsa", 8192]);
  assert.deepEqual(big.spkiDer, rsaSpkiDer(8192, 65537n));
  assert.equal(readPublicKey(pem(2048, 3n)).key.asymmetricKeyDetails?.publicExponent, 3n);
  assert.match(
    refusal(() => readPublicKey(pem(8193, 65537n))),
    /2048 to 8192 bits; this is an RSA key of 8193 bits/,
  );
  assert.match(
    refusal(() => readPublicKey(pem(131_072, 65537n))),
    /this is an RSA key of 131072 bits/,
  );
  assert.match(
    refusal(() => readPublicKey(pem(2048, (1n << 300_000n) + 1n))),
    /small odd number such as 65537; this is an RSA key whose public exponent is a 300001-bit number\./,
  );
  assert.match(
    refusal(() => readPublicKey(pem(2048, 2n ** 31n + 1n))),
    /public exponent is 2147483649\./,
  );
  assert.match(
    refusal(() => readPublicKey(pem(2048, 65536n))),
    /public exponent is 65536\./,
  );
  assert.match(
    refusal(() => readPublicKey("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")),
    /could not be read/,
  );
});

test("readPublicKey: ECDSA on P-256 and P-384 (openssl's keys, SPKI as openssl encodes it)", () => {
  const dir = tempDir();
  for (const [curve, keyType, keySize] of [
    ["P-256", "ecdsa-p256", 256],
    ["P-384", "ecdsa-p384", 384],
  ] as const) {
    mustOpenssl(["genpkey", "-algorithm", "EC", "-pkeyopt", `ec_paramgen_curve:${curve}`, "-out", "ec.pem"], dir);
    mustOpenssl(["pkey", "-in", "ec.pem", "-pubout", "-out", "ec-pub.pem"], dir);
    mustOpenssl(["pkey", "-in", "ec.pem", "-pubout", "-outform", "DER", "-out", "ec-pub.der"], dir);
    const info = readPublicKey(read(dir, "ec-pub.pem"));
    assert.deepEqual([info.keyType, info.keySize], [keyType, keySize]);
    assert.deepEqual(info.spkiDer, readFileSync(path.join(dir, "ec-pub.der")));
  }
});

test("readPublicKey: other curves, Ed25519 and DSA are refused in plain words", () => {
  const dir = tempDir();
  const ec = (curve: string) => ["genpkey", "-algorithm", "EC", "-pkeyopt", `ec_paramgen_curve:${curve}`];
  mustOpenssl(
    ["genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:1024", "-out", "dsap.pem"],
    dir,
  );
  const cases: [string[], string][] = [
    [ec("P-521"), "dockpki works with EC keys on P-256 or P-384 only; this is an EC key (P-521)."],
    // Go refuses P-224; secp256k1 is 256 bits but not P-256
    [ec("secp224r1"), "dockpki works with EC keys on P-256 or P-384 only; this is an EC key ("],
    [ec("secp256k1"), "dockpki works with EC keys on P-256 or P-384 only; this is an EC key (secp256k1)."],
    [
      ["genpkey", "-algorithm", "ed25519"],
      "dockpki works with ECDSA (P-256, P-384) and RSA keys; this is an Ed25519 key.",
    ],
    [["genpkey", "-paramfile", "dsap.pem"], "dockpki works with ECDSA (P-256, P-384) and RSA keys; this is a DSA key."],
  ];
  for (const [keygen, message] of cases) {
    mustOpenssl([...keygen, "-out", "k.pem"], dir);
    mustOpenssl(["pkey", "-in", "k.pem", "-pubout", "-out", "pub.pem"], dir);
    const said = refusal(() => readPublicKey(read(dir, "pub.pem")));
    assert.ok(said.startsWith(message), `${keygen.join(" ")}: ${said}`);
    assert.match(said, /\.$/);
  }
});
