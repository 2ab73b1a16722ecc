import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { test } from "node:test";
import forge from "node-forge";
import { InputError } from "@/lib/errors";
import { mustOpenssl, opensslCa, read, tempDir } from "@/lib/pki/__tests__/tools";
import { createCa, importCa } from "@/lib/pki/ca";
import { describeCertificate } from "@/lib/pki/inspect";
import { generateRsaKeyPair } from "@/lib/pki/keys";
import { derToPem, parseCertificatePem } from "@/lib/pki/pem";
import { signCertificate } from "@/lib/pki/sign";

const ext = (pem: string, name: string) =>
  parseCertificatePem(pem).cert.getExtension(name) as Record<string, unknown> | null;

/** The InputError a call throws: its field and message. */
function refusal(fn: () => unknown): { field: string; message: string } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InputError, `expected an InputError, got ${err}`);
    return { field: Object.keys(err.fieldErrors).join(","), message: err.message };
  }
  assert.fail("it was accepted");
}

test("createCa: 4096 bits by default, CA:TRUE and keyCertSign+cRLSign critical, SKI = AKI, no EKU", async () => {
  const ca = await createCa({ commonName: "Docker CA", organization: "Example", organizationalUnit: "Ops" });
  const x509 = new X509Certificate(ca.certPem);
  assert.equal(x509.publicKey.asymmetricKeyDetails?.modulusLength, 4096);
  assert.equal(x509.subject, "O=Example\nOU=Ops\nCN=Docker CA");
  assert.equal(x509.issuer, x509.subject);
  assert.ok(x509.checkPrivateKey((await import("node:crypto")).createPrivateKey(ca.keyPem)));
  assert.match(ca.keyPem, /^-----BEGIN PRIVATE KEY-----/);
  const bc = ext(ca.certPem, "basicConstraints");
  assert.deepEqual([bc?.critical, bc?.cA], [true, true]);
  const ku = ext(ca.certPem, "keyUsage");
  assert.deepEqual([ku?.critical, ku?.keyCertSign, ku?.cRLSign, ku?.digitalSignature], [true, true, true, false]);
  assert.equal(ext(ca.certPem, "extKeyUsage"), null);
  const ski = ext(ca.certPem, "subjectKeyIdentifier")?.subjectKeyIdentifier as string;
  const aki = forge.asn1.fromDer(ext(ca.certPem, "authorityKeyIdentifier")?.value as string);
  assert.equal(forge.util.bytesToHex((aki.value as forge.asn1.Asn1[])[0].value as string), ski);
  const days = (new Date(x509.validTo).getTime() - Date.now()) / 86_400_000;
  assert.ok(Math.abs(days - 3650) < 0.01, `validity ${days} days`);
  assert.ok(x509.verify(x509.publicKey), "self-signature");
});

test("createCa refuses a bad key size, days or name before generating anything", async () => {
  await assert.rejects(createCa({ commonName: "x", keySize: 1024 as 2048 }), /2048, 3072 or 4096/);
  await assert.rejects(createCa({ commonName: "x", days: 0 }), /whole number of days/);
  await assert.rejects(createCa({ commonName: " " }), InputError);
});

test("importCa: the recipe's CA (with keyUsage) imports; keys come back as unencrypted PKCS#8", () => {
  const dir = tempDir();
  const recipe = opensslCa(dir, "/CN=Recipe CA");
  const imported = importCa(recipe);
  assert.match(imported.keyPem, /^-----BEGIN PRIVATE KEY-----/);
  assert.equal(
    new X509Certificate(imported.certPem).fingerprint256,
    new X509Certificate(recipe.certPem).fingerprint256,
  );
  // PKCS#1, as openssl 1.x genrsa wrote it
  const pkcs1 = mustOpenssl(["rsa", "-in", "ca-key.pem", "-traditional"], dir);
  assert.match(pkcs1, /BEGIN RSA PRIVATE KEY/);
  assert.equal(importCa({ certPem: recipe.certPem, keyPem: pkcs1 }).keyPem, imported.keyPem);
});

test("importCa: encrypted keys need their passphrase (PKCS#8 and legacy PKCS#1)", () => {
  const dir = tempDir();
  const recipe = opensslCa(dir, "/CN=Encrypted CA");
  const plain = importCa(recipe).keyPem;
  for (const legacy of [false, true]) {
    const args = ["rsa", "-in", "ca-key.pem", "-aes256", "-passout", "pass:s3cret"];
    const keyPem = mustOpenssl(legacy ? [...args, "-traditional"] : args, dir);
    assert.match(keyPem, legacy ? /Proc-Type: 4,ENCRYPTED/ : /BEGIN ENCRYPTED PRIVATE KEY/);
    assert.equal(importCa({ ...recipe, keyPem, passphrase: "s3cret" }).keyPem, plain);
    assert.equal(refusal(() => importCa({ ...recipe, keyPem })).field, "passphrase");
    assert.equal(refusal(() => importCa({ ...recipe, keyPem, passphrase: "wrong" })).field, "passphrase");
  }
});

test("importCa: the key must belong to the certificate", () => {
  const a = opensslCa(tempDir(), "/CN=A");
  const b = opensslCa(tempDir(), "/CN=B");
  assert.deepEqual(
    refusal(() => importCa({ certPem: a.certPem, keyPem: b.keyPem })),
    {
      field: "keyPem",
      message: "This key does not belong to the CA certificate.",
    },
  );
});

test("importCa: a certificate that is not a CA, or whose key usage lacks keyCertSign, is refused", () => {
  const notCa = opensslCa(tempDir(), "/CN=leaf", ["-addext", "basicConstraints=critical,CA:FALSE"]);
  const r1 = refusal(() => importCa(notCa));
  assert.equal(r1.field, "certPem");
  assert.match(r1.message, /not a CA/);
  const noCertSign = opensslCa(tempDir(), "/CN=no certsign", [], "critical,digitalSignature,cRLSign");
  const r2 = refusal(() => importCa(noCertSign));
  assert.equal(r2.field, "certPem");
  assert.match(r2.message, /has a key usage without keyCertSign/);
});

test("importCa: the bare classic recipe (no keyUsage at all) is accepted, as Go and dockerd accept it", () => {
  const recipe = opensslCa(tempDir(), "/CN=recipe", [], null);
  assert.equal(ext(recipe.certPem, "keyUsage"), null);
  const imported = importCa(recipe);
  assert.equal(describeCertificate(imported.certPem).hasKeyUsage, false);
});

async function caValidBetween(notBefore: Date, notAfter: Date) {
  const { publicKeyPem, privateKeyPem } = await generateRsaKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = "01";
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: "commonName", value: "Time CA" }]);
  cert.setIssuer([{ name: "commonName", value: "Time CA" }]);
  cert.setExtensions([
    { name: "basicConstraints", critical: true, cA: true },
    { name: "keyUsage", critical: true, keyCertSign: true, cRLSign: true },
  ]);
  return { certPem: derToPem("CERTIFICATE", signCertificate(cert, privateKeyPem, null)), keyPem: privateKeyPem };
}

test("importCa: expired and not-yet-valid CAs are refused", async () => {
  const day = 86_400_000;
  const expired = await caValidBetween(new Date(Date.now() - 20 * day), new Date(Date.now() - day));
  assert.match(refusal(() => importCa(expired)).message, /expired on/);
  const future = await caValidBetween(new Date(Date.now() + day), new Date(Date.now() + 20 * day));
  assert.match(refusal(() => importCa(future)).message, /not valid until/);
});

test("importCa: EC, Ed25519 and DSA CAs are refused in plain words; so is RSA below 2048 bits", () => {
  const dir = tempDir();
  const cases: [string, string[], RegExp][] = [
    [
      "ec",
      ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec.pem"],
      /RSA keys only; this CA has an EC key \(P-256\)/,
    ],
    ["ed", ["genpkey", "-algorithm", "ed25519", "-out", "ed.pem"], /RSA keys only; this CA has an Ed25519 key/],
    ["rsa1024", ["genrsa", "-out", "rsa1024.pem", "1024"], /RSA key of 1024 bits; dockpki needs at least 2048/],
  ];
  mustOpenssl(
    ["genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:2048", "-out", "dsap.pem"],
    dir,
  );
  cases.push(["dsa", ["genpkey", "-paramfile", "dsap.pem", "-out", "dsa.pem"], /RSA keys only; this CA has a DSA key/]);
  for (const [name, keygen, message] of cases) {
    mustOpenssl(keygen, dir);
    mustOpenssl(
      ["req", "-new", "-x509", "-key", `${name}.pem`, "-days", "30", "-subj", `/CN=${name}`, "-out", `${name}-ca.pem`],
      dir,
    );
    const r = refusal(() => importCa({ certPem: read(dir, `${name}-ca.pem`), keyPem: read(dir, `${name}.pem`) }));
    assert.equal(r.field, "certPem", name);
    assert.match(r.message, message);
  }
  // an RSA certificate with an EC key pasted beside it
  const rsa = opensslCa(dir, "/CN=rsa");
  const r = refusal(() => importCa({ certPem: rsa.certPem, keyPem: read(dir, "ec.pem") }));
  assert.deepEqual(r, { field: "keyPem", message: "dockpki signs with RSA keys only; this key is an EC key (P-256)." });
});

test("importCa: garbage, missing and doubled input", () => {
  const dir = tempDir();
  const ca = opensslCa(dir, "/CN=garbage test");
  const broken = ca.certPem.replace(/\n[A-Za-z0-9+/]{20}/, "\nAAAAAAAAAAAAAAAAAAAA");
  assert.notEqual(broken, ca.certPem);
  assert.equal(refusal(() => importCa({ ...ca, certPem: "hello" })).field, "certPem");
  assert.equal(refusal(() => importCa({ ...ca, certPem: broken })).field, "certPem");
  assert.equal(refusal(() => importCa({ ...ca, certPem: ca.certPem + ca.certPem })).field, "certPem");
  assert.equal(refusal(() => importCa({ ...ca, keyPem: "" })).field, "keyPem");
  assert.equal(
    refusal(() => importCa({ ...ca, keyPem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" })).field,
    "keyPem",
  );
});
