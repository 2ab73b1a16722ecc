import assert from "node:assert/strict";
import { test } from "node:test";
import { InputError } from "@/lib/errors";
import { mustOpenssl, read, rsaSpkiDer, tempDir } from "@/lib/pki/__tests__/tools";
import { readRsaPublicKey, spkiSha256 } from "@/lib/pki/keys";
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
  assert.throws(() => spkiSha256("nope"), InputError);
});

test("readRsaPublicKey: 2048 to 8192 bits with a small odd exponent, nothing else", () => {
  const pem = (bits: number, e: bigint) => derToPem("PUBLIC KEY", rsaSpkiDer(bits, e));
  assert.equal(readRsaPublicKey(pem(8192, 65537n)).n.bitLength(), 8192);
  assert.equal(readRsaPublicKey(pem(2048, 3n)).e.toString(), "3");
  assert.match(
    refusal(() => readRsaPublicKey(pem(8193, 65537n))),
    /2048 to 8192 bits; this is an RSA key of 8193 bits/,
  );
  assert.match(
    refusal(() => readRsaPublicKey(pem(131_072, 65537n))),
    /this is an RSA key of 131072 bits/,
  );
  assert.match(
    refusal(() => readRsaPublicKey(pem(2048, (1n << 300_000n) + 1n))),
    /small odd number such as 65537; this is an RSA key whose public exponent is a 300001-bit number\./,
  );
  assert.match(
    refusal(() => readRsaPublicKey(pem(2048, 2n ** 31n + 1n))),
    /public exponent is 2147483649\./,
  );
  assert.match(
    refusal(() => readRsaPublicKey(pem(2048, 65536n))),
    /public exponent is 65536\./,
  );
});
