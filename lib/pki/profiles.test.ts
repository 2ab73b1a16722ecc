import assert from "node:assert/strict";
import { createPublicKey } from "node:crypto";
import { before, test } from "node:test";
import forge from "node-forge";
import { InputError } from "@/lib/errors";
import { openssl, opensslCa, tempDir, writeFiles } from "@/lib/pki/__tests__/tools";
import { createCa } from "@/lib/pki/ca";
import type { CaKeyPair } from "@/lib/pki/ca-signer";
import { keyLabel, keySpec } from "@/lib/pki/key-types";
import { generateKeyPair, generateRsaKeyPair } from "@/lib/pki/keys";
import { parseCertificatePem, toBytes } from "@/lib/pki/pem";
import { buildClientCertificate, buildServerCertificate } from "@/lib/pki/profiles";

const { asn1, pki } = forge;
let ca: CaKeyPair;
let publicKeyPem: string;

before(async () => {
  ca = await createCa({ commonName: "Profiles Test CA", key: keySpec("rsa", 2048) });
  publicKeyPem = (await generateRsaKeyPair(2048)).publicKeyPem;
});

const server = (extra: Partial<Parameters<typeof buildServerCertificate>[0]> = {}) =>
  buildServerCertificate({
    publicKeyPem,
    ca,
    commonName: "docker1",
    dnsNames: ["docker1.example.com", "localhost"],
    ipAddresses: ["127.0.0.1", "2001:db8::1", "::1"],
    days: 365,
    ...extra,
  });

interface Ext {
  name: string;
  critical?: boolean;
  value: string;
  [flag: string]: unknown;
}
const spkiHex = (pem: string) => createPublicKey(pem).export({ type: "spki", format: "der" }).toString("hex");
const ext = (pem: string, name: string) => parseCertificatePem(pem).cert.getExtension(name) as Ext | null;

test("signed with sha256WithRSAEncryption, NULL parameters, inside and outside the TBS", async () => {
  const { certPem } = await server();
  const { der } = parseCertificatePem(certPem);
  const [tbs, outerAlg] = asn1.fromDer(toBytes(der)).value as forge.asn1.Asn1[];
  const innerAlg = (tbs.value as forge.asn1.Asn1[])[2];
  for (const alg of [outerAlg, innerAlg]) {
    const [oid, params] = alg.value as forge.asn1.Asn1[];
    assert.equal(asn1.derToOid(oid.value as string), pki.oids.sha256WithRSAEncryption);
    assert.equal(params.type, asn1.Type.NULL);
  }
});

test("notBefore is backdated 5 minutes, notAfter is `days` later, both in whole seconds", async () => {
  const now = Date.now();
  const issued = await server({ days: 30 });
  const { cert } = parseCertificatePem(issued.certPem);
  assert.ok(Math.abs(now - 5 * 60_000 - issued.notBefore.getTime()) < 3000);
  assert.ok(Math.abs(now + 30 * 86_400_000 - issued.notAfter.getTime()) < 3000);
  assert.equal(cert.validity.notBefore.getTime(), issued.notBefore.getTime());
  assert.equal(cert.validity.notAfter.getTime(), issued.notAfter.getTime());
  assert.equal(issued.notBefore.getMilliseconds(), 0);
});

test("validity is capped by the CA's notAfter", async () => {
  const shortCa = await createCa({ commonName: "Short CA", key: keySpec("ecdsa-p256"), days: 10 });
  const caNotAfter = parseCertificatePem(shortCa.certPem).cert.validity.notAfter;
  const issued = await server({ ca: shortCa, days: 365 });
  assert.equal(issued.notAfter.getTime(), caNotAfter.getTime());
  assert.equal(parseCertificatePem(issued.certPem).cert.validity.notAfter.getTime(), caNotAfter.getTime());
});

test("SANs: every DNS name, IPv4 as 4 bytes, IPv6 as 16 bytes", async () => {
  const { altNames } = ext((await server()).certPem, "subjectAltName") as unknown as {
    altNames: { type: number; value: string }[];
  };
  const dns = altNames.filter((n) => n.type === 2).map((n) => n.value);
  const ips = altNames.filter((n) => n.type === 7).map((n) => Buffer.from(n.value, "binary").toString("hex"));
  assert.deepEqual(dns, ["docker1.example.com", "localhost"]);
  assert.deepEqual(ips, ["7f000001", "20010db8000000000000000000000001", "00000000000000000000000000000001"]);
});

test("server profile: serverAuth, KU digitalSignature+keyEncipherment critical, CA:FALSE critical", async () => {
  const { certPem, key } = await server();
  assert.deepEqual(key, { keyType: "rsa", keySize: 2048 });
  const eku = ext(certPem, "extKeyUsage");
  assert.equal(eku?.serverAuth, true);
  assert.equal(eku?.clientAuth, undefined);
  const ku = ext(certPem, "keyUsage");
  assert.equal(ku?.critical, true);
  assert.deepEqual(
    ["digitalSignature", "keyEncipherment", "keyCertSign", "cRLSign"].map((f) => ku?.[f]),
    [true, true, false, false],
  );
  const bc = ext(certPem, "basicConstraints");
  assert.equal(bc?.critical, true);
  assert.equal(bc?.cA, false);
});

test("an ECDSA leaf's key usage is digitalSignature alone: EC keys sign, they do not encipher", async () => {
  for (const spec of [keySpec("ecdsa-p256"), keySpec("ecdsa-p384")]) {
    const leafKey = await generateKeyPair(spec);
    const issued = await server({ publicKeyPem: leafKey.publicKeyPem });
    const client = await buildClientCertificate({ publicKeyPem: leafKey.publicKeyPem, ca, commonName: "c", days: 7 });
    assert.deepEqual(issued.key, spec);
    assert.deepEqual(client.key, spec);
    for (const certPem of [issued.certPem, client.certPem]) {
      const ku = ext(certPem, "keyUsage");
      assert.equal(ku?.critical, true);
      assert.deepEqual(
        ["digitalSignature", "keyEncipherment", "keyCertSign", "cRLSign"].map((f) => ku?.[f]),
        [true, false, false, false],
        keyLabel(spec),
      );
      assert.equal(parseCertificatePem(certPem).spkiDer.toString("hex"), spkiHex(leafKey.publicKeyPem));
    }
  }
});

test("Swarm manager: serverAuth and clientAuth", async () => {
  const eku = ext((await server({ clientAuth: true })).certPem, "extKeyUsage");
  assert.equal(eku?.serverAuth, true);
  assert.equal(eku?.clientAuth, true);
});

test("client profile: clientAuth only, CN = client name as UTF8String, no SAN", async () => {
  const { certPem } = await buildClientCertificate({ publicKeyPem, ca, commonName: "ci_runner@build", days: 30 });
  const eku = ext(certPem, "extKeyUsage");
  assert.equal(eku?.clientAuth, true);
  assert.equal(eku?.serverAuth, undefined);
  assert.equal(ext(certPem, "keyUsage")?.critical, true);
  assert.equal(ext(certPem, "subjectAltName"), null);
  const cn = parseCertificatePem(certPem).cert.subject.getField("CN");
  assert.equal(cn.value, "ci_runner@build");
  assert.equal(cn.valueTagClass, asn1.Type.UTF8);
});

test("authorityKeyIdentifier is the CA's subjectKeyIdentifier; the leaf has its own SKI", async () => {
  const caSki = ext(ca.certPem, "subjectKeyIdentifier")?.subjectKeyIdentifier;
  const { certPem } = await server();
  const aki = asn1.fromDer(ext(certPem, "authorityKeyIdentifier")?.value as string);
  const keyId = (aki.value as forge.asn1.Asn1[])[0];
  assert.equal(keyId.tagClass, asn1.Class.CONTEXT_SPECIFIC);
  assert.equal(forge.util.bytesToHex(keyId.value as string), caSki);
  const ski = ext(certPem, "subjectKeyIdentifier")?.subjectKeyIdentifier;
  // what forge computed when it signed RSA leaves itself: identifiers stay what they were
  const forgeSki = pki.getPublicKeyFingerprint(pki.publicKeyFromPem(publicKeyPem), { type: "RSAPublicKey" });
  assert.equal(ski, forgeSki.toHex());
  assert.notEqual(ski, caSki);
});

test("issuer is the CA subject byte for byte", async () => {
  const leaf = parseCertificatePem((await server()).certPem);
  const tbs = (asn1.fromDer(toBytes(leaf.der)).value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[];
  const issuerDer = asn1.toDer(tbs[3]).getBytes();
  assert.equal(issuerDer, asn1.toDer(parseCertificatePem(ca.certPem).subjectAsn1).getBytes());
});

test("result: serial, fingerprint and dates describe the certificate", async () => {
  const issued = await server();
  const { der, cert } = parseCertificatePem(issued.certPem);
  assert.equal(issued.serial, cert.serialNumber);
  assert.match(issued.serial, /^[0-7][0-9a-f]{31}$/);
  assert.equal(issued.fingerprint, forge.md.sha256.create().update(toBytes(der)).digest().toHex());
});

test("bad input is an InputError on the right field", async () => {
  const fieldOf = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      assert.ok(err instanceof InputError, String(err));
      return Object.keys(err.fieldErrors);
    }
    assert.fail("no error");
  };
  assert.deepEqual(await fieldOf(() => server({ dnsNames: [], ipAddresses: [] })), ["dnsNames", "ipAddresses"]);
  assert.deepEqual(await fieldOf(() => server({ dnsNames: ["bad name.example"] })), ["dnsNames"]);
  assert.deepEqual(await fieldOf(() => server({ dnsNames: ["münchen.example"] })), ["dnsNames"]);
  assert.deepEqual(await fieldOf(() => server({ ipAddresses: ["10.0.0.300"] })), ["ipAddresses"]);
  assert.deepEqual(await fieldOf(() => server({ days: 0 })), ["days"]);
  assert.deepEqual(await fieldOf(() => server({ commonName: "x".repeat(65) })), ["commonName"]);
  assert.deepEqual(await fieldOf(() => server({ publicKeyPem: "nope" })), ["publicKeyPem"]);
});

test("wildcard DNS names are allowed as a leading label", async () => {
  const { certPem } = await server({ dnsNames: ["*.swarm.example"], ipAddresses: [] });
  const { altNames } = ext(certPem, "subjectAltName") as unknown as { altNames: { value: string }[] };
  assert.deepEqual(
    altNames.map((n) => n.value),
    ["*.swarm.example"],
  );
});

test("a server certificate whose SANs the CA's name constraints forbid is refused, naming them", async () => {
  const dir = tempDir();
  const constrained = opensslCa(dir, "/CN=Constrained CA", [
    "-addext",
    "nameConstraints=critical,permitted;DNS:example.com,permitted;IP:10.0.0.0/255.0.0.0,excluded;DNS:.lab.example.com",
  ]);
  const issue = (dnsNames: string[], ipAddresses: string[]) =>
    buildServerCertificate({ publicKeyPem, ca: constrained, commonName: "docker1", dnsNames, ipAddresses, days: 30 });
  const refusal = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      assert.ok(err instanceof InputError, String(err));
      return { message: err.message, fields: Object.keys(err.fieldErrors) };
    }
    assert.fail("issued");
  };
  assert.deepEqual(
    await refusal(() => issue(["docker1.example.com", "docker1.lan", "db.lab.example.com"], ["10.0.0.5"])),
    {
      message:
        "The CA's name constraints do not allow docker1.lan and db.lab.example.com, so Docker would refuse any certificate that names them.",
      fields: ["dnsNames"],
    },
  );
  assert.deepEqual(await refusal(() => issue(["docker1.example.com"], ["10.0.0.5", "127.0.0.1"])), {
    message: "The CA's name constraints do not allow 127.0.0.1, so Docker would refuse any certificate that names it.",
    fields: ["ipAddresses"],
  });

  // what the constraints allow is issued, and openssl (which applies them too) verifies it
  const issued = await issue(["docker1.example.com", "docker1.example.com"], ["10.0.0.5"]);
  const client = await buildClientCertificate({ publicKeyPem, ca: constrained, commonName: "alice", days: 30 });
  writeFiles(dir, {
    "nc-ca.pem": constrained.certPem,
    "nc-server.pem": issued.certPem,
    "nc-client.pem": client.certPem,
  });
  for (const [purpose, file] of [
    ["sslserver", "nc-server.pem"],
    ["sslclient", "nc-client.pem"],
  ]) {
    const r = openssl(["verify", "-x509_strict", "-purpose", purpose, "-CAfile", "nc-ca.pem", file], dir);
    assert.equal(r.status, 0, r.stderr + r.stdout);
  }
});
