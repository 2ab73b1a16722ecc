import assert from "node:assert/strict";
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { test } from "node:test";
import forge from "node-forge";
import { MATRIX_KEYS, mustOpenssl, openssl, tempDir, writeFiles } from "@/lib/pki/__tests__/tools";
import { createCa } from "@/lib/pki/ca";
import { loadCaSigner } from "@/lib/pki/ca-signer";
import { keyLabel, keySpec } from "@/lib/pki/key-types";
import { generateKeyPair, subjectKeyIdentifier } from "@/lib/pki/keys";
import { derToPem, pemBlocks, toBytes } from "@/lib/pki/pem";
import { signCertificate, signCertificateAsync, signingKey, skiExtension } from "@/lib/pki/sign";

const { asn1 } = forge;

// What each CA key must sign with: RSA with NULL parameters (RFC 4055), ECDSA with none (RFC 5758)
// and the digest that goes with the curve, as Go's x509.CreateCertificate picks it.
const EXPECTED = {
  "ecdsa-p256": { oid: "1.2.840.10045.4.3.2", name: "ecdsa-with-SHA256", nullParams: false },
  "ecdsa-p384": { oid: "1.2.840.10045.4.3.3", name: "ecdsa-with-SHA384", nullParams: false },
  rsa: { oid: "1.2.840.113549.1.1.11", name: "sha256WithRSAEncryption", nullParams: true },
} as const;

/** The certificate's outer signatureAlgorithm and the TBS's signature field, read by forge's parser. */
function algorithmsOf(der: Buffer): { outer: forge.asn1.Asn1; inner: forge.asn1.Asn1 } {
  const [tbs, outer] = asn1.fromDer(toBytes(der)).value as forge.asn1.Asn1[];
  // forge writes the version: version, serial, signature, ...
  return { outer, inner: (tbs.value as forge.asn1.Asn1[])[2] };
}

function assertAlgorithm(der: Buffer, expected: (typeof EXPECTED)[keyof typeof EXPECTED], what: string): void {
  const { outer, inner } = algorithmsOf(der);
  const bytes = (a: forge.asn1.Asn1) => asn1.toDer(a).toHex();
  assert.equal(bytes(outer), bytes(inner), `${what}: the TBS names the algorithm the signature uses`);
  const [oid, ...params] = outer.value as forge.asn1.Asn1[];
  assert.equal(asn1.derToOid(oid.value as string), expected.oid, what);
  if (expected.nullParams) {
    assert.equal(params.length, 1, what);
    assert.equal(params[0].type, asn1.Type.NULL, what);
  } else {
    assert.equal(params.length, 0, `${what}: ECDSA has no parameters at all, not even NULL`);
  }
}

for (const caKey of MATRIX_KEYS) {
  const expected = EXPECTED[caKey.keyType];
  test(`${keyLabel(caKey)} CA: signs with ${expected.name}, in the TBS and outside it; openssl verifies`, async () => {
    const ca = await createCa({ commonName: `Sign Test ${keyLabel(caKey)} CA`, key: caKey });
    const signer = loadCaSigner(ca);
    assert.equal(signer.signer.algorithm.name, expected.name);
    assert.equal(signer.signer.algorithm.oid, expected.oid);
    const dir = tempDir();
    writeFiles(dir, { "ca.pem": ca.certPem });
    // the CA's own self-signature, checked by openssl too
    assertAlgorithm(pemBlocks(ca.certPem, "CERTIFICATE")[0], expected, "CA certificate");
    mustOpenssl(["verify", "-check_ss_sig", "-CAfile", "ca.pem", "ca.pem"], dir);

    // a leaf of the other family, so the leaf's key never decides the algorithm
    const leafKey = await generateKeyPair(caKey.keyType === "rsa" ? keySpec("ecdsa-p256") : keySpec("rsa", 2048));
    const spkiDer = createPublicKey(leafKey.publicKeyPem).export({ type: "spki", format: "der" });
    const leaf = () => {
      const cert = forge.pki.createCertificate();
      cert.serialNumber = "0102030405060708090a0b0c0d0e0f10";
      cert.validity.notBefore = new Date(Date.now() - 60_000);
      cert.validity.notAfter = new Date(Date.now() + 86_400_000);
      cert.setSubject([{ name: "commonName", value: "leaf" }]);
      cert.setExtensions([
        { name: "basicConstraints", critical: true, cA: false },
        skiExtension(subjectKeyIdentifier(spkiDer)),
        { name: "authorityKeyIdentifier", keyIdentifier: signer.keyIdentifier.toString("binary") },
      ]);
      return cert;
    };
    const signed = {
      sync: signCertificate(leaf(), signer.signer, { issuer: signer.name, spkiDer }),
      async: await signCertificateAsync(leaf(), signer.signer, { issuer: signer.name, spkiDer }),
    };
    for (const [how, der] of Object.entries(signed)) {
      assertAlgorithm(der, expected, `leaf signed ${how}`);
      writeFiles(dir, { [`${how}.pem`]: derToPem("CERTIFICATE", der) });
      const r = openssl(["verify", "-x509_strict", "-CAfile", "ca.pem", `${how}.pem`], dir);
      assert.equal(r.status, 0, `${how}: ${r.stderr}${r.stdout}`);
      assert.match(
        mustOpenssl(["x509", "-in", `${how}.pem`, "-noout", "-text"], dir),
        new RegExp(`Signature Algorithm: ${expected.name}`),
      );
    }
  });
}

test("signingKey refuses a key it has no algorithm for", () => {
  for (const [type, options] of [
    ["ed25519", {}],
    ["ec", { namedCurve: "P-521" }],
  ] as const) {
    const { privateKey } = generateKeyPairSync(type as "ec", options as { namedCurve: string });
    assert.throws(() => signingKey(privateKey), /cannot sign with/, type);
  }
});
