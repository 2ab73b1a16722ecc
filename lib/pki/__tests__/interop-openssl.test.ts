import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, test } from "node:test";
import { MATRIX_KEYS, mustOpenssl, openssl, opensslCa, read, tempDir, writeFiles } from "@/lib/pki/__tests__/tools";
import { createCa, importCa } from "@/lib/pki/ca";
import type { CaKeyPair } from "@/lib/pki/ca-signer";
import { type KeyType, keyLabel, keySpec } from "@/lib/pki/key-types";
import { generateKeyPair, generateRsaKeyPair } from "@/lib/pki/keys";
import { buildClientCertificate, buildServerCertificate } from "@/lib/pki/profiles";

// Judged by openssl, which nobody here wrote: chain, purpose, extensions, serials.

let publicKeyPem: string;
before(async () => {
  publicKeyPem = (await generateRsaKeyPair(2048)).publicKeyPem;
});

async function issuePair(dir: string, ca: CaKeyPair, keys = { server: publicKeyPem, client: publicKeyPem }) {
  const server = await buildServerCertificate({
    publicKeyPem: keys.server,
    ca,
    commonName: "docker1.example.com",
    dnsNames: ["docker1.example.com", "localhost"],
    ipAddresses: ["127.0.0.1", "::1", "192.0.2.10"],
    days: 365,
  });
  const client = await buildClientCertificate({ publicKeyPem: keys.client, ca, commonName: "alice", days: 30 });
  writeFiles(dir, { "ca.pem": ca.certPem, "server.pem": server.certPem, "client.pem": client.certPem });
}

const verify = (dir: string, purpose: string, cert: string) =>
  openssl(["verify", "-x509_strict", "-purpose", purpose, "-CAfile", "ca.pem", cert], dir);

function assertVerifies(dir: string): void {
  for (const [purpose, cert] of [
    ["sslserver", "server.pem"],
    ["sslclient", "client.pem"],
  ]) {
    const r = verify(dir, purpose, cert);
    assert.equal(r.status, 0, `${cert} as ${purpose}: ${r.stderr}${r.stdout}`);
    assert.equal(r.stdout.trim(), `${cert}: OK`);
  }
}

describe("certificates under a CA dockpki created", () => {
  const dir = tempDir();
  let ca: CaKeyPair;
  before(async () => {
    ca = await createCa({ commonName: "dockpki Interop CA", organization: "Example" });
    await issuePair(dir, ca);
  });

  test("openssl verify -x509_strict: server as sslserver, client as sslclient", () => assertVerifies(dir));

  test("and not the other way round", () => {
    assert.notEqual(verify(dir, "sslclient", "server.pem").status, 0);
    assert.notEqual(verify(dir, "sslserver", "client.pem").status, 0);
  });

  test("a Swarm manager's certificate passes both purposes", async () => {
    const manager = await buildServerCertificate({
      publicKeyPem,
      ca,
      commonName: "manager",
      dnsNames: ["manager.example.com"],
      ipAddresses: [],
      days: 30,
      clientAuth: true,
    });
    writeFiles(dir, { "manager.pem": manager.certPem });
    assert.equal(verify(dir, "sslserver", "manager.pem").status, 0);
    assert.equal(verify(dir, "sslclient", "manager.pem").status, 0);
  });

  test("openssl x509 -text shows the profile", () => {
    const flat = (file: string) =>
      mustOpenssl(["x509", "-in", file, "-noout", "-text"], dir).replace(/\s*\n\s*/g, "\n");
    const server = flat("server.pem");
    // the default CA is ECDSA P-256; this leaf's key is RSA
    assert.match(server, /Signature Algorithm: ecdsa-with-SHA256/);
    assert.match(server, /Public Key Algorithm: rsaEncryption\nPublic-Key: \(2048 bit\)/);
    assert.match(server, /Issuer: O = Example, CN = dockpki Interop CA/);
    assert.match(server, /Subject: CN = docker1.example.com/);
    assert.match(
      server,
      /X509v3 Subject Alternative Name:\s*\nDNS:docker1.example.com, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:192.0.2.10\n/,
    );
    assert.match(server, /X509v3 Extended Key Usage:\s*\nTLS Web Server Authentication\n/);
    assert.match(server, /X509v3 Key Usage: critical\nDigital Signature, Key Encipherment\n/);
    assert.match(server, /X509v3 Basic Constraints: critical\nCA:FALSE\n/);
    const caSki = /X509v3 Subject Key Identifier:\s*\n(\S+)\n/.exec(flat("ca.pem"))?.[1];
    assert.ok(caSki);
    assert.match(server, new RegExp(`X509v3 Authority Key Identifier:\\s*\\n(keyid:)?${caSki}\\n`));
    assert.match(server, /X509v3 Subject Key Identifier:/);

    const client = flat("client.pem");
    assert.match(client, /Subject: CN = alice/);
    assert.match(client, /X509v3 Extended Key Usage:\s*\nTLS Web Client Authentication\n/);
    assert.doesNotMatch(client, /Subject Alternative Name/);

    const caText = flat("ca.pem");
    assert.match(caText, /Public Key Algorithm: id-ecPublicKey\nPublic-Key: \(256 bit\)/);
    assert.match(caText, /NIST CURVE: P-256/);
    assert.match(caText, /X509v3 Basic Constraints: critical\nCA:TRUE\n/);
    assert.match(caText, /X509v3 Key Usage: critical\nCertificate Sign, CRL Sign\n/);
    assert.doesNotMatch(caText, /Extended Key Usage/);
  });

  test("200 certificates: openssl reads 200 positive, distinct serials, and all verify", async () => {
    const files: string[] = [];
    const serials = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const issued = await buildClientCertificate({ publicKeyPem, ca, commonName: `client-${i}`, days: 30 });
      const file = `many-${i}.pem`;
      writeFiles(dir, { [file]: issued.certPem });
      const shown = mustOpenssl(["x509", "-in", file, "-noout", "-serial"], dir).trim();
      assert.match(shown, /^serial=[0-7][0-9A-F]{31}$/, shown);
      assert.equal(shown, `serial=${issued.serial.toUpperCase()}`);
      serials.add(shown);
      files.push(file);
    }
    assert.equal(serials.size, 200);
    const r = openssl(["verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", "ca.pem", ...files], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout
        .trim()
        .split("\n")
        .filter((line) => line.endsWith(": OK")).length,
      200,
    );
  });
});

describe("certificates under CAs made with the classic openssl recipe, imported", () => {
  test("recipe: genrsa + req -new -x509 -sha256, with keyUsage added", async () => {
    const dir = tempDir();
    await issuePair(dir, importCa(opensslCa(dir, "/CN=Recipe CA")));
    assertVerifies(dir);
  });

  test("the bare recipe CA (no keyUsage) imports; openssl verify passes, only -x509_strict objects", async () => {
    const dir = tempDir();
    await issuePair(dir, importCa(opensslCa(dir, "/CN=Bare Recipe CA", [], null)));
    for (const [purpose, file] of [
      ["sslserver", "server.pem"],
      ["sslclient", "client.pem"],
    ]) {
      const plain = openssl(["verify", "-purpose", purpose, "-CAfile", "ca.pem", file], dir);
      assert.equal(plain.status, 0, plain.stderr);
    }
    // This is why the CA page warns about such a CA.
    const strict = verify(dir, "sslserver", "server.pem");
    assert.notEqual(strict.status, 0);
    assert.match(strict.stderr + strict.stdout, /CA cert does not include key usage extension/);
  });

  test("UTF8String subject with non-ASCII letters (issuer must match byte for byte)", async () => {
    const dir = tempDir();
    await issuePair(dir, importCa(opensslCa(dir, "/C=DE/O=Bäckerei Müller/CN=Größte CA", ["-utf8"])));
    assertVerifies(dir);
  });

  test("multi-valued RDN, which forge would split on re-encoding", async () => {
    const dir = tempDir();
    await issuePair(dir, importCa(opensslCa(dir, "/O=Example/CN=Multi CA+OU=Ops", ["-multivalue-rdn"])));
    assert.match(mustOpenssl(["x509", "-in", "ca.pem", "-noout", "-subject"], dir), /OU = Ops \+ CN = Multi CA/);
    assertVerifies(dir);
  });

  test("PrintableString subject (openssl -subj with string_mask default)", async () => {
    const dir = tempDir();
    // string_mask=default picks PrintableString where it can; the issuer must keep that type
    writeFiles(dir, { "printable.cnf": "[req]\ndistinguished_name=dn\nstring_mask=default\n[dn]\n" });
    const ca = opensslCa(dir, "/O=Example/CN=Printable CA", [
      "-config",
      "printable.cnf",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
    ]);
    assert.match(mustOpenssl(["asn1parse", "-in", "ca.pem"], dir), /PRINTABLESTRING\s+:Printable CA/);
    await issuePair(dir, importCa(ca));
    assertVerifies(dir);
  });

  test("an encrypted recipe key (genrsa -aes256) imports with its passphrase only", async () => {
    const dir = tempDir();
    mustOpenssl(["genrsa", "-aes256", "-passout", "pass:hunter22", "-out", "ca-key.pem", "2048"], dir);
    mustOpenssl(
      [
        ...["req", "-new", "-x509", "-days", "365", "-key", "ca-key.pem", "-passin", "pass:hunter22", "-sha256"],
        ...["-subj", "/CN=Locked CA", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", "ca.pem"],
      ],
      dir,
    );
    const input = { certPem: read(dir, "ca.pem"), keyPem: read(dir, "ca-key.pem") };
    assert.throws(() => importCa(input), /protected by a passphrase/);
    assert.throws(() => importCa({ ...input, passphrase: "hunter2" }), /does not open the key/);
    const ca = importCa({ ...input, passphrase: "hunter22" });
    assert.doesNotMatch(ca.keyPem, /ENCRYPTED/);
    await issuePair(dir, ca);
    assertVerifies(dir);
  });

  for (const curve of ["P-256", "P-384"] as const) {
    test(`an ECDSA ${curve} CA (genpkey + req -new -x509), with RSA and with ECDSA leaves`, async () => {
      const dir = tempDir();
      const ca = importCa(opensslCa(dir, `/O=Bäckerei/CN=EC ${curve} Recipe CA`, ["-utf8"], undefined, curve));
      await issuePair(dir, ca);
      assertVerifies(dir);
      const ec = await generateKeyPair(keySpec("ecdsa-p256"));
      await issuePair(dir, ca, { server: ec.publicKeyPem, client: publicKeyPem });
      assertVerifies(dir);
      const digest = curve === "P-384" ? "SHA384" : "SHA256";
      assert.match(textOf(dir, "server.pem"), new RegExp(`Signature Algorithm: ecdsa-with-${digest}\\n`));
    });
  }
});

/** openssl x509 -text, one item a line. */
const textOf = (dir: string, file: string) =>
  mustOpenssl(["x509", "-in", file, "-noout", "-text"], dir).replace(/\s*\n\s*/g, "\n");

// How openssl names what each key type makes: the CA's signature, the leaf's key and key usage.
const SIGNATURE = {
  "ecdsa-p256": "ecdsa-with-SHA256",
  "ecdsa-p384": "ecdsa-with-SHA384",
  rsa: "sha256WithRSAEncryption",
};
const PUBLIC_KEY = {
  "ecdsa-p256": /Public Key Algorithm: id-ecPublicKey\nPublic-Key: \(256 bit\)\n.*NIST CURVE: P-256\n/s,
  "ecdsa-p384": /Public Key Algorithm: id-ecPublicKey\nPublic-Key: \(384 bit\)\n.*NIST CURVE: P-384\n/s,
  rsa: /Public Key Algorithm: rsaEncryption\nPublic-Key: \(2048 bit\)\n/,
};

describe("the key-type matrix: each CA type (P-256, P-384, RSA) signs each leaf type, and openssl verifies", () => {
  const leafKeys = new Map<KeyType, string>();
  before(async () => {
    for (const spec of MATRIX_KEYS) leafKeys.set(spec.keyType, (await generateKeyPair(spec)).publicKeyPem);
  });
  for (const caKey of MATRIX_KEYS) {
    describe(`${keyLabel(caKey)} CA`, () => {
      let ca: CaKeyPair;
      before(async () => {
        ca = await createCa({ commonName: `Matrix ${keyLabel(caKey)} CA`, key: caKey });
      });
      for (const leafKey of MATRIX_KEYS) {
        test(`${keyLabel(leafKey)} server and client leaves: -x509_strict, each for its purpose only`, async () => {
          const dir = tempDir();
          const key = leafKeys.get(leafKey.keyType) as string;
          await issuePair(dir, ca, { server: key, client: key });
          assertVerifies(dir);
          assert.notEqual(verify(dir, "sslclient", "server.pem").status, 0);
          assert.notEqual(verify(dir, "sslserver", "client.pem").status, 0);
          for (const file of ["server.pem", "client.pem"]) {
            const text = textOf(dir, file);
            assert.match(text, new RegExp(`Signature Algorithm: ${SIGNATURE[caKey.keyType]}\\n`), file);
            assert.match(text, PUBLIC_KEY[leafKey.keyType], file);
            const usage = leafKey.keyType === "rsa" ? "Digital Signature, Key Encipherment" : "Digital Signature";
            assert.match(text, new RegExp(`X509v3 Key Usage: critical\\n${usage}\\n`), file);
          }
        });
      }
    });
  }
});

describe("subject key identifiers are RFC 5280's method 1, as openssl computes them from the key", () => {
  let ca: CaKeyPair;
  before(async () => {
    ca = await createCa({ commonName: "SKI CA", key: keySpec("ecdsa-p384") });
  });

  /** The identifier `openssl x509 -ext subjectKeyIdentifier` shows, as lowercase hex. */
  const skiOf = (dir: string, file: string) => {
    const shown = mustOpenssl(["x509", "-in", file, "-noout", "-ext", "subjectKeyIdentifier"], dir);
    const hex = /X509v3 Subject Key Identifier:\s*\n\s*([0-9A-F:]+)\n/.exec(shown)?.[1];
    assert.ok(hex, shown);
    return hex.replaceAll(":", "").toLowerCase();
  };

  /** SHA-1 of the subjectPublicKey BIT STRING's bytes (after its unused-bits byte), out of openssl's -pubkey. */
  const methodOne = (dir: string, certFile: string) => {
    writeFiles(dir, { "pub.pem": mustOpenssl(["x509", "-in", certFile, "-noout", "-pubkey"], dir) });
    mustOpenssl(["pkey", "-pubin", "-in", "pub.pem", "-outform", "DER", "-out", "pub.der"], dir);
    const parsed = mustOpenssl(["asn1parse", "-inform", "DER", "-in", "pub.der"], dir);
    const m = /^\s*(\d+):d=1\s+hl=(\d+)\s+l=\s*(\d+)\s+prim:\s+BIT STRING/m.exec(parsed);
    assert.ok(m, parsed);
    const [offset, header, length] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const spki = readFileSync(path.join(dir, "pub.der"));
    assert.equal(spki[offset + header], 0, "no unused bits");
    writeFileSync(path.join(dir, "bits.bin"), spki.subarray(offset + header + 1, offset + header + length));
    return mustOpenssl(["dgst", "-sha1", "-r", "bits.bin"], dir).split(" ")[0];
  };

  for (const spec of [keySpec("rsa", 2048), keySpec("ecdsa-p256"), keySpec("ecdsa-p384")]) {
    test(`${keyLabel(spec)} leaf: dockpki's identifier is openssl's`, async () => {
      const dir = tempDir();
      const key = await generateKeyPair(spec);
      const leaf = await buildClientCertificate({ publicKeyPem: key.publicKeyPem, ca, commonName: "ski", days: 7 });
      writeFiles(dir, { "leaf.pem": leaf.certPem, "leaf-key.pem": key.privateKeyPem });
      // what openssl itself writes for the same key when asked for subjectKeyIdentifier=hash
      mustOpenssl(
        [
          ...["req", "-new", "-x509", "-key", "leaf-key.pem", "-subj", "/CN=openssl", "-days", "1"],
          ...["-addext", "subjectKeyIdentifier=hash", "-out", "own.pem"],
        ],
        dir,
      );
      const ours = skiOf(dir, "leaf.pem");
      assert.match(ours, /^[0-9a-f]{40}$/);
      assert.equal(ours, skiOf(dir, "own.pem"));
      assert.equal(ours, methodOne(dir, "leaf.pem"));
    });
  }

  test("the CA's own identifier, and the leaves' authorityKeyIdentifier, are method 1 of the CA key", async () => {
    const dir = tempDir();
    const key = await generateKeyPair(keySpec("ecdsa-p256"));
    const leaf = await buildClientCertificate({ publicKeyPem: key.publicKeyPem, ca, commonName: "aki", days: 7 });
    writeFiles(dir, { "ca.pem": ca.certPem, "leaf.pem": leaf.certPem });
    const caSki = skiOf(dir, "ca.pem");
    assert.equal(caSki, methodOne(dir, "ca.pem"));
    const aki = mustOpenssl(["x509", "-in", "leaf.pem", "-noout", "-ext", "authorityKeyIdentifier"], dir);
    assert.equal(/([0-9A-F]{2}(:[0-9A-F]{2}){19})/.exec(aki)?.[1].replaceAll(":", "").toLowerCase(), caSki);
  });
});
