import assert from "node:assert/strict";
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { test } from "node:test";
import forge from "node-forge";
import { InputError } from "@/lib/errors";
import {
  hostileRsaPrivateKeyPem,
  mustOpenssl,
  openssl,
  opensslCa,
  read,
  rsaSpkiDer,
  tempDir,
  writeFiles,
} from "@/lib/pki/__tests__/tools";
import { createCa, importCa } from "@/lib/pki/ca";
import { describeCertificate } from "@/lib/pki/inspect";
import { type KeyType, keyLabel, keySpec } from "@/lib/pki/key-types";
import { generateKeyPair, generateRsaKeyPair } from "@/lib/pki/keys";
import { derToPem, parseCertificatePem, pemBlocks } from "@/lib/pki/pem";
import { buildClientCertificate, buildServerCertificate } from "@/lib/pki/profiles";
import { signCertificate, signingKey } from "@/lib/pki/sign";

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

test("createCa: ECDSA P-256 by default, CA:TRUE and keyCertSign+cRLSign critical, SKI = AKI, no EKU", async () => {
  const ca = await createCa({ commonName: "Docker CA", organization: "Example", organizationalUnit: "Ops" });
  const x509 = new X509Certificate(ca.certPem);
  assert.equal(x509.publicKey.asymmetricKeyType, "ec");
  assert.equal(x509.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");
  assert.equal(x509.subject, "O=Example\nOU=Ops\nCN=Docker CA");
  assert.equal(x509.issuer, x509.subject);
  assert.ok(x509.checkPrivateKey(createPrivateKey(ca.keyPem)));
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

test("createCa: the key it is asked for (P-384, RSA), recorded in the certificate and signed with", async () => {
  for (const [key, details] of [
    [keySpec("ecdsa-p384"), { namedCurve: "secp384r1" }],
    [keySpec("rsa", 2048), { modulusLength: 2048, publicExponent: 65537n }],
  ] as const) {
    const ca = await createCa({ commonName: `CA ${keyLabel(key)}`, key });
    const x509 = new X509Certificate(ca.certPem);
    assert.deepEqual(x509.publicKey.asymmetricKeyDetails, details);
    assert.ok(x509.checkPrivateKey(createPrivateKey(ca.keyPem)));
    assert.match(ca.keyPem, /^-----BEGIN PRIVATE KEY-----/);
    assert.ok(x509.verify(x509.publicKey), "self-signature");
    assert.deepEqual(describeCertificate(ca.certPem).keyType, key.keyType);
  }
});

test("createCa refuses a bad key size or type, days or name before generating anything", async () => {
  await assert.rejects(createCa({ commonName: "x", key: keySpec("rsa", 1024) }), /2048, 3072 or 4096/);
  await assert.rejects(
    createCa({ commonName: "x", key: { keyType: "ecdsa-p521" as KeyType, keySize: 521 } }),
    (err) => err instanceof InputError && /ecdsa-p256, ecdsa-p384, rsa/.test(err.message),
  );
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
  cert.serialNumber = "01";
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: "commonName", value: "Time CA" }]);
  cert.setIssuer([{ name: "commonName", value: "Time CA" }]);
  cert.setExtensions([
    { name: "basicConstraints", critical: true, cA: true },
    { name: "keyUsage", critical: true, keyCertSign: true, cRLSign: true },
  ]);
  const spkiDer = createPublicKey(publicKeyPem).export({ type: "spki", format: "der" });
  const der = signCertificate(cert, signingKey(privateKeyPem), { issuer: null, spkiDer });
  return { certPem: derToPem("CERTIFICATE", der), keyPem: privateKeyPem };
}

test("importCa: expired and not-yet-valid CAs are refused", async () => {
  const day = 86_400_000;
  const expired = await caValidBetween(new Date(Date.now() - 20 * day), new Date(Date.now() - day));
  assert.match(refusal(() => importCa(expired)).message, /expired on/);
  const future = await caValidBetween(new Date(Date.now() + day), new Date(Date.now() + 20 * day));
  assert.match(refusal(() => importCa(future)).message, /not valid until/);
});

test("importCa: P-521, Ed25519 and DSA CAs are refused in plain words; so is RSA below 2048 bits", () => {
  const dir = tempDir();
  const other = " Create a new CA in dockpki, or import a CA with an ECDSA (P-256, P-384) or RSA key.";
  const cases: [string, string[], string][] = [
    [
      "p521",
      ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521", "-out", "p521.pem"],
      `dockpki works with EC keys on P-256 or P-384 only; this CA has an EC key (P-521).${other}`,
    ],
    [
      "ed",
      ["genpkey", "-algorithm", "ed25519", "-out", "ed.pem"],
      `dockpki works with ECDSA (P-256, P-384) and RSA keys; this CA has an Ed25519 key.${other}`,
    ],
    [
      "rsa1024",
      ["genrsa", "-out", "rsa1024.pem", "1024"],
      "dockpki works with RSA keys of 2048 to 8192 bits; this CA has an RSA key of 1024 bits.",
    ],
  ];
  mustOpenssl(
    ["genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:2048", "-out", "dsap.pem"],
    dir,
  );
  cases.push([
    "dsa",
    ["genpkey", "-paramfile", "dsap.pem", "-out", "dsa.pem"],
    `dockpki works with ECDSA (P-256, P-384) and RSA keys; this CA has a DSA key.${other}`,
  ]);
  for (const [name, keygen, message] of cases) {
    mustOpenssl(keygen, dir);
    mustOpenssl(
      ["req", "-new", "-x509", "-key", `${name}.pem`, "-days", "30", "-subj", `/CN=${name}`, "-out", `${name}-ca.pem`],
      dir,
    );
    const r = refusal(() => importCa({ certPem: read(dir, `${name}-ca.pem`), keyPem: read(dir, `${name}.pem`) }));
    assert.deepEqual(r, { field: "certPem", message }, name);
  }
  // an RSA certificate with a P-521 key pasted beside it: the key is refused for what it is
  const rsa = opensslCa(dir, "/CN=rsa");
  assert.deepEqual(
    refusal(() => importCa({ certPem: rsa.certPem, keyPem: read(dir, "p521.pem") })),
    { field: "keyPem", message: "dockpki works with EC keys on P-256 or P-384 only; this key is an EC key (P-521)." },
  );
});

/** The EC CA key in dir/ca-key.pem (PKCS#8, as genpkey writes it) in the forms openssl writes. */
function ecKeyFiles(dir: string, curve: "P-256" | "P-384") {
  const run = (args: string[]) => mustOpenssl(args, dir);
  const sec1 = run(["ec", "-in", "ca-key.pem"]);
  const files: Record<string, { keyPem: string; passphrase?: string; header: RegExp }> = {
    pkcs8: { keyPem: read(dir, "ca-key.pem"), header: /^-----BEGIN PRIVATE KEY-----/ },
    sec1: { keyPem: sec1, header: /^-----BEGIN EC PRIVATE KEY-----\n(?!Proc-Type)/ },
    // what `openssl ecparam -genkey` writes without -noout: the curve in a block before the key
    "sec1 after EC PARAMETERS": {
      keyPem: run(["ecparam", "-name", curve === "P-256" ? "prime256v1" : "secp384r1"]) + sec1,
      header: /^-----BEGIN EC PARAMETERS-----/,
    },
    "encrypted PKCS#8": {
      keyPem: run(["pkcs8", "-topk8", "-in", "ca-key.pem", "-passout", "pass:s3cret"]),
      passphrase: "s3cret",
      header: /^-----BEGIN ENCRYPTED PRIVATE KEY-----/,
    },
    "encrypted SEC1": {
      keyPem: run(["ec", "-in", "ca-key.pem", "-aes256", "-passout", "pass:s3cret"]),
      passphrase: "s3cret",
      header: /^-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED/,
    },
  };
  return files;
}

test("importCa: openssl ECDSA CAs (P-256, P-384) import from PKCS#8, SEC1 and encrypted key files", async () => {
  for (const curve of ["P-256", "P-384"] as const) {
    const dir = tempDir();
    const recipe = opensslCa(dir, `/CN=EC Recipe CA ${curve}`, [], undefined, curve);
    const files = ecKeyFiles(dir, curve);
    let normalised: string | undefined;
    for (const [format, { keyPem, passphrase, header }] of Object.entries(files)) {
      assert.match(keyPem, header, `${curve} ${format}: the file is what the test says it is`);
      if (passphrase) {
        assert.equal(refusal(() => importCa({ certPem: recipe.certPem, keyPem })).field, "passphrase");
        assert.equal(
          refusal(() => importCa({ certPem: recipe.certPem, keyPem, passphrase: "wrong" })).field,
          "passphrase",
        );
      }
      const imported = importCa({ certPem: recipe.certPem, keyPem, passphrase });
      assert.deepEqual(imported.warnings, [], `${curve} ${format}`);
      assert.equal(imported.certPem, recipe.certPem);
      assert.match(imported.keyPem, /^-----BEGIN PRIVATE KEY-----/, "stored as unencrypted PKCS#8");
      normalised ??= imported.keyPem;
      assert.equal(imported.keyPem, normalised, `${curve} ${format}: the same key whatever the file`);
    }

    // and it signs: openssl verifies a server and a client certificate under it
    const ca = importCa(recipe);
    const leafKey = await generateKeyPair(keySpec("ecdsa-p256"));
    const server = await buildServerCertificate({
      publicKeyPem: leafKey.publicKeyPem,
      ca,
      commonName: "docker1",
      dnsNames: ["docker1.example.com"],
      ipAddresses: ["127.0.0.1"],
      days: 30,
    });
    const client = await buildClientCertificate({ publicKeyPem: leafKey.publicKeyPem, ca, commonName: "ci", days: 30 });
    writeFiles(dir, { "server.pem": server.certPem, "client.pem": client.certPem });
    for (const [purpose, file] of [
      ["sslserver", "server.pem"],
      ["sslclient", "client.pem"],
    ]) {
      const r = openssl(["verify", "-x509_strict", "-purpose", purpose, "-CAfile", "ca.pem", file], dir);
      assert.equal(r.status, 0, `${curve} ${file}: ${r.stderr}${r.stdout}`);
    }
    const digest = curve === "P-384" ? "SHA384" : "SHA256";
    assert.match(
      mustOpenssl(["x509", "-in", "server.pem", "-noout", "-text"], dir),
      new RegExp(`Signature Algorithm: ecdsa-with-${digest}`),
    );
  }
});

test("importCa: an ECDSA key that is not the certificate's is refused, whatever its curve or family", () => {
  const a = opensslCa(tempDir(), "/CN=EC A", [], undefined, "P-256");
  const bDir = tempDir();
  const b = opensslCa(bDir, "/CN=EC B", [], undefined, "P-256");
  const c = opensslCa(tempDir(), "/CN=EC C", [], undefined, "P-384");
  const rsa = opensslCa(tempDir(), "/CN=RSA");
  const wrong = { field: "keyPem", message: "This key does not belong to the CA certificate." };
  for (const keyPem of [b.keyPem, mustOpenssl(["ec", "-in", "ca-key.pem"], bDir), c.keyPem, rsa.keyPem]) {
    assert.deepEqual(
      refusal(() => importCa({ certPem: a.certPem, keyPem })),
      wrong,
    );
  }
  // and the other way round: an RSA CA with an EC key beside it
  assert.deepEqual(
    refusal(() => importCa({ certPem: rsa.certPem, keyPem: a.keyPem })),
    wrong,
  );
});

// Go's crypto/x509 reads only uncompressed EC points, so no Docker host or client could parse a CA
// certificate with a compressed one, nor trust anything it signs: import must refuse it.
test("importCa: an ECDSA CA whose certificate carries a compressed point is refused", () => {
  const dir = tempDir();
  mustOpenssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "c0.key"], dir);
  mustOpenssl(["ec", "-in", "c0.key", "-conv_form", "compressed", "-out", "ca-key.pem"], dir);
  mustOpenssl(
    [
      ...["req", "-new", "-x509", "-key", "ca-key.pem", "-subj", "/CN=Compressed CA", "-days", "30"],
      ...["-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", "ca.pem"],
    ],
    dir,
  );
  assert.match(mustOpenssl(["x509", "-in", "ca.pem", "-noout", "-text"], dir), /pub:\s*\n\s*0[23]:/);
  assert.equal(
    refusal(() => importCa({ certPem: read(dir, "ca.pem"), keyPem: read(dir, "ca-key.pem") })).field,
    "certPem",
  );
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

test("importCa: a CA key of 131,072 bits or with an exponent Go refuses is refused before anything else", async () => {
  const { privateKeyPem } = await generateRsaKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.serialNumber = "01";
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: "commonName", value: "Huge CA" }]);
  cert.setIssuer([{ name: "commonName", value: "Huge CA" }]);
  cert.setExtensions([{ name: "basicConstraints", critical: true, cA: true }]);
  // the certificate carries a key nobody could sign with; its own signature does not matter
  const spkiDer = rsaSpkiDer(131_072, 65537n);
  const certPem = derToPem("CERTIFICATE", signCertificate(cert, signingKey(privateKeyPem), { issuer: null, spkiDer }));
  assert.deepEqual(
    refusal(() => importCa({ certPem, keyPem: privateKeyPem })),
    {
      field: "certPem",
      message: "dockpki works with RSA keys of 2048 to 8192 bits; this CA has an RSA key of 131072 bits.",
    },
  );

  const dir = tempDir();
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
      "k.pem",
    ],
    dir,
  );
  mustOpenssl(["req", "-new", "-x509", "-key", "k.pem", "-subj", "/CN=e32", "-days", "30", "-out", "ca.pem"], dir);
  const e32 = refusal(() => importCa({ certPem: read(dir, "ca.pem"), keyPem: read(dir, "k.pem") }));
  assert.equal(e32.field, "certPem");
  assert.match(e32.message, /this CA has an RSA key whose public exponent is 4294967297\./);

  // the key pasted beside a good certificate gets the same check before it is compared
  const good = opensslCa(dir, "/CN=good");
  assert.deepEqual(
    refusal(() => importCa({ certPem: good.certPem, keyPem: hostileRsaPrivateKeyPem(131_072) })),
    {
      field: "keyPem",
      message: "dockpki works with RSA keys of 2048 to 8192 bits; this key is an RSA key of 131072 bits.",
    },
  );
});

test("importCa: a critical extension Go does not handle, or one it cannot parse, is refused, named by its OID", () => {
  const cases: [string, RegExp][] = [
    ["1.2.3.4=critical,ASN1:NULL", /does not handle, 1\.2\.3\.4, so Docker would refuse every certificate it signs/],
    // handled only since Go 1.24: older dockerd and docker CLI builds refuse it
    [
      "policyConstraints=critical,requireExplicitPolicy:0",
      /that Go before 1\.24 \(most dockerd and docker CLI builds\) does not handle, policyConstraints \(2\.5\.29\.36\)/,
    ],
    // a directoryName constraint Go does not check, in a critical extension
    ["2.5.29.30=critical,DER:3008a0063004a4023000", /does not handle, nameConstraints \(2\.5\.29\.30\)/],
    // a mask with a hole: Go cannot even parse the certificate, critical or not
    ["2.5.29.30=DER:300ea00c300a87080a000000ff00ff00", /nameConstraints \(2\.5\.29\.30\) extension is malformed/],
    ["subjectKeyIdentifier=critical,hash", /marks its subjectKeyIdentifier \(2\.5\.29\.14\) extension critical/],
  ];
  for (const [ext, message] of cases) {
    const r = refusal(() => importCa(opensslCa(tempDir(), "/CN=critical", ["-addext", ext])));
    assert.equal(r.field, "certPem", ext);
    assert.match(r.message, message);
  }
  // the same extensions, not critical: Go ignores what it does not know
  for (const ext of ["1.2.3.4=ASN1:NULL", "policyConstraints=requireExplicitPolicy:0"]) {
    assert.deepEqual(importCa(opensslCa(tempDir(), "/CN=not critical", ["-addext", ext])).warnings, []);
  }
});

test("importCa: a CA whose EKU leaves out serverAuth or clientAuth is refused with what is missing", () => {
  const eku = (usage: string) => () =>
    importCa(opensslCa(tempDir(), "/CN=eku", ["-addext", `extendedKeyUsage=${usage}`]));
  assert.match(refusal(eku("serverAuth")).message, /leaves out clientAuth, .* refuse every client certificate from it/);
  assert.match(refusal(eku("clientAuth")).message, /leaves out serverAuth, .* refuse every server certificate from it/);
  assert.match(
    refusal(eku("codeSigning")).message,
    /leaves out serverAuth and clientAuth, .* every server or client certificate/,
  );
  assert.equal(refusal(eku("serverAuth,codeSigning")).field, "certPem");
  assert.deepEqual(eku("serverAuth,clientAuth")().warnings, []);
  assert.deepEqual(eku("anyExtendedKeyUsage")().warnings, []);
});

test("importCa: name constraints must allow every host of the inventory", () => {
  const ca = opensslCa(tempDir(), "/CN=constrained", [
    "-addext",
    "nameConstraints=critical,permitted;DNS:example.com,permitted;IP:10.0.0.0/255.0.0.0,excluded;DNS:.lab.example.com",
  ]);
  const docker1 = { name: "docker1", dnsNames: ["docker1.example.com"], ipAddresses: ["10.1.2.3"] };
  assert.deepEqual(importCa({ ...ca, hosts: [docker1] }).warnings, []);
  assert.deepEqual(importCa(ca).warnings, [], "no inventory yet");
  const r = refusal(() =>
    importCa({
      ...ca,
      hosts: [
        docker1,
        { name: "lab1", dnsNames: ["lab1.lab.example.com"], ipAddresses: ["10.0.0.9"] },
        { name: "edge", dnsNames: ["edge.example.org"], ipAddresses: ["192.0.2.7", "10.0.0.7"] },
      ],
    }),
  );
  assert.deepEqual(r, {
    field: "certPem",
    message:
      "This CA's name constraints do not allow the hosts lab1 (lab1.lab.example.com) and edge (edge.example.org, 192.0.2.7), " +
      "so Docker would refuse their server certificates; import a CA whose constraints cover the inventory.",
  });
});

test("importCa: warns when the CA lacks keyUsage or subjectKeyIdentifier, which -x509_strict refuses", async () => {
  const dir = tempDir();
  const full = opensslCa(dir, "/CN=full");
  assert.deepEqual(importCa(full).warnings, []);
  const noKu = importCa(opensslCa(tempDir(), "/CN=no ku", [], null));
  assert.equal(noKu.warnings.length, 1);
  assert.match(noKu.warnings[0], /^This CA has no keyUsage extension: .*openssl verify -x509_strict/);
  const noSki = importCa(opensslCa(dir, "/CN=no ski", ["-addext", "subjectKeyIdentifier=none"]));
  assert.equal(noSki.warnings.length, 1);
  assert.match(noSki.warnings[0], /^This CA has no subjectKeyIdentifier extension: .*subjectKeyIdentifier = hash/);

  // what the warnings claim: openssl verify accepts the certificates, -x509_strict does not
  for (const ca of [noKu, noSki]) {
    const leaf = await buildServerCertificate({
      publicKeyPem: new X509Certificate(full.certPem).publicKey.export({ type: "spki", format: "pem" }).toString(),
      ca,
      commonName: "docker1",
      dnsNames: ["docker1.example.com"],
      ipAddresses: [],
      days: 30,
    });
    writeFiles(dir, { "w-ca.pem": ca.certPem, "w-leaf.pem": leaf.certPem });
    const verify = (strict: string[]) => openssl(["verify", ...strict, "-CAfile", "w-ca.pem", "w-leaf.pem"], dir);
    assert.equal(verify([]).status, 0, verify([]).stderr);
    assert.notEqual(verify(["-x509_strict"]).status, 0);
  }
});

test("importCa: a CA whose name holds bidi controls or other invisible characters is refused", () => {
  for (const name of ["Docker \u202eAC", "Docker\u200bCA", "Docker\u2066CA", "Docker\u{f0000}CA"]) {
    const r = refusal(() => importCa(opensslCa(tempDir(), `/O=Example/CN=${name}`, ["-utf8"])));
    assert.equal(r.field, "certPem", JSON.stringify(name));
    assert.match(r.message, /^This CA's name holds control or invisible characters \(such as bidi controls/);
  }
  assert.deepEqual(importCa(opensslCa(tempDir(), "/O=Bäckerei/CN=Müller CA 🐳", ["-utf8"])).warnings, []);
});

test("importCa: an encrypted key that asks for more key derivation than any tool writes is refused unopened", () => {
  const dir = tempDir();
  const recipe = opensslCa(dir, "/CN=kdf");
  const pkcs8 = (args: string[]) =>
    mustOpenssl(["pkcs8", "-topk8", "-in", "ca-key.pem", "-passout", "pass:s3cret", ...args], dir);
  const costly = /asks for far more key-derivation work than any tool uses by default/;
  const pbkdf2 = refusal(() => importCa({ ...recipe, keyPem: pkcs8(["-iter", "1000001"]), passphrase: "s3cret" }));
  assert.equal(pbkdf2.field, "keyPem");
  assert.match(pbkdf2.message, costly);
  // scrypt with p = 127 instead of 1: same length, so the DER stays valid
  const scrypt = pkcs8(["-scrypt"]);
  const der = pemBlocks(scrypt, "ENCRYPTED PRIVATE KEY")[0];
  const params = Buffer.from("02024000020108020101", "hex"); // N = 16384, r = 8, p = 1
  const p = der.indexOf(params);
  assert.ok(p > 0, "scrypt parameters found");
  der[p + params.length - 1] = 127;
  const started = performance.now();
  const heavy = refusal(() =>
    importCa({ ...recipe, keyPem: derToPem("ENCRYPTED PRIVATE KEY", der), passphrase: "s3cret" }),
  );
  assert.equal(heavy.field, "keyPem");
  assert.match(heavy.message, costly);
  assert.ok(performance.now() - started < 500, "refused without deriving anything");
  // what openssl writes, by default or when asked for more, is opened
  for (const args of [[], ["-iter", "100000"], ["-scrypt"], ["-v1", "PBE-SHA1-3DES"]]) {
    assert.equal(
      importCa({ ...recipe, keyPem: pkcs8(args), passphrase: "s3cret" }).certPem,
      recipe.certPem,
      args.join(" "),
    );
  }
});
