import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { mustOpenssl, openssl, opensslCa, read, tempDir, writeFiles } from "@/lib/pki/__tests__/tools";
import { createCa, importCa } from "@/lib/pki/ca";
import type { CaKeyPair } from "@/lib/pki/ca-signer";
import { generateRsaKeyPair } from "@/lib/pki/keys";
import { buildClientCertificate, buildServerCertificate } from "@/lib/pki/profiles";

// Judged by openssl, which nobody here wrote: chain, purpose, extensions, serials.

let publicKeyPem: string;
before(async () => {
  publicKeyPem = (await generateRsaKeyPair(2048)).publicKeyPem;
});

function issuePair(dir: string, ca: CaKeyPair): void {
  const server = buildServerCertificate({
    publicKeyPem,
    ca,
    commonName: "docker1.example.com",
    dnsNames: ["docker1.example.com", "localhost"],
    ipAddresses: ["127.0.0.1", "::1", "192.0.2.10"],
    days: 365,
  });
  const client = buildClientCertificate({ publicKeyPem, ca, commonName: "alice", days: 30 });
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
    issuePair(dir, ca);
  });

  test("openssl verify -x509_strict: server as sslserver, client as sslclient", () => assertVerifies(dir));

  test("and not the other way round", () => {
    assert.notEqual(verify(dir, "sslclient", "server.pem").status, 0);
    assert.notEqual(verify(dir, "sslserver", "client.pem").status, 0);
  });

  test("a Swarm manager's certificate passes both purposes", () => {
    const manager = buildServerCertificate({
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
    assert.match(server, /Signature Algorithm: sha256WithRSAEncryption/);
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
    assert.match(caText, /Public-Key: \(4096 bit\)/);
    assert.match(caText, /X509v3 Basic Constraints: critical\nCA:TRUE\n/);
    assert.match(caText, /X509v3 Key Usage: critical\nCertificate Sign, CRL Sign\n/);
    assert.doesNotMatch(caText, /Extended Key Usage/);
  });

  test("200 certificates: openssl reads 200 positive, distinct serials, and all verify", () => {
    const files: string[] = [];
    const serials = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const issued = buildClientCertificate({ publicKeyPem, ca, commonName: `client-${i}`, days: 30 });
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
  test("recipe: genrsa + req -new -x509 -sha256, with keyUsage added", () => {
    const dir = tempDir();
    issuePair(dir, importCa(opensslCa(dir, "/CN=Recipe CA")));
    assertVerifies(dir);
  });

  test("the bare recipe CA (no keyUsage) imports; openssl verify passes, only -x509_strict objects", () => {
    const dir = tempDir();
    issuePair(dir, importCa(opensslCa(dir, "/CN=Bare Recipe CA", [], null)));
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

  test("UTF8String subject with non-ASCII letters (issuer must match byte for byte)", () => {
    const dir = tempDir();
    issuePair(dir, importCa(opensslCa(dir, "/C=DE/O=Bäckerei Müller/CN=Größte CA", ["-utf8"])));
    assertVerifies(dir);
  });

  test("multi-valued RDN, which forge would split on re-encoding", () => {
    const dir = tempDir();
    issuePair(dir, importCa(opensslCa(dir, "/O=Example/CN=Multi CA+OU=Ops", ["-multivalue-rdn"])));
    assert.match(mustOpenssl(["x509", "-in", "ca.pem", "-noout", "-subject"], dir), /OU = Ops \+ CN = Multi CA/);
    assertVerifies(dir);
  });

  test("PrintableString subject (openssl -subj with string_mask default)", () => {
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
    issuePair(dir, importCa(ca));
    assertVerifies(dir);
  });

  test("an encrypted recipe key (genrsa -aes256) imports with its passphrase only", () => {
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
    issuePair(dir, ca);
    assertVerifies(dir);
  });
});
