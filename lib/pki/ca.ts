import "server-only";
import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import forge from "node-forge";
import { InputError } from "@/lib/errors";
import type { CaKeyPair } from "@/lib/pki/ca-signer";
import { describeKey, generateRsaKeyPair, MIN_RSA_BITS, type RsaKeySize, usableRsaBits } from "@/lib/pki/keys";
import { buildName, type NameInput } from "@/lib/pki/name";
import { derToPem, pemBlocks, toBytes } from "@/lib/pki/pem";
import { randomSerialHex } from "@/lib/pki/serial";
import { signCertificate } from "@/lib/pki/sign";
import { validityPeriod } from "@/lib/pki/validity";

export interface CreateCaInput extends NameInput {
  keySize?: RsaKeySize;
  days?: number;
}

export interface ImportCaInput {
  certPem: string;
  keyPem: string;
  passphrase?: string;
}

/** A new self-signed root CA. */
export async function createCa(input: CreateCaInput): Promise<CaKeyPair> {
  const name = buildName(input);
  const { notBefore, notAfter } = validityPeriod(input.days ?? 3650);
  const { publicKeyPem, privateKeyPem } = await generateRsaKeyPair(input.keySize ?? 4096);

  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: "basicConstraints", critical: true, cA: true },
    { name: "keyUsage", critical: true, keyCertSign: true, cRLSign: true },
    { name: "subjectKeyIdentifier" },
    { name: "authorityKeyIdentifier", keyIdentifier: true },
  ]);
  // self-signed: forge encodes subject and issuer from the same attributes, so they match
  const der = signCertificate(cert, privateKeyPem, null);
  return { certPem: derToPem("CERTIFICATE", der), keyPem: privateKeyPem };
}

const RSA_ONLY = "dockpki signs with RSA keys only;";

/**
 * Checks an existing CA (certificate + key, PKCS#1 or PKCS#8, optionally encrypted) and returns
 * it normalised: the certificate alone, the key as unencrypted PKCS#8 for the caller to seal.
 */
export function importCa(input: ImportCaInput): CaKeyPair {
  const { der, x509 } = readCertificate(input.certPem);
  const certKey = x509.publicKey;
  if (certKey.asymmetricKeyType !== "rsa") {
    throw InputError.forField(
      "certPem",
      `${RSA_ONLY} this CA has ${describeKey(certKey)}. Create a new CA in dockpki, or import a CA with an RSA key.`,
    );
  }
  if (usableRsaBits(certKey) === null) {
    throw InputError.forField(
      "certPem",
      `This CA has ${describeKey(certKey)}; dockpki needs at least ${MIN_RSA_BITS}.`,
    );
  }
  checkIsCa(der);
  checkValidity(x509);

  const key = readPrivateKey(input.keyPem, input.passphrase);
  if (key.asymmetricKeyType !== "rsa") {
    throw InputError.forField("keyPem", `${RSA_ONLY} this key is ${describeKey(key)}.`);
  }
  if (!x509.checkPrivateKey(key)) {
    throw InputError.forField("keyPem", "This key does not belong to the CA certificate.");
  }
  return {
    certPem: derToPem("CERTIFICATE", der),
    keyPem: key.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

function readCertificate(certPem: string): { der: Buffer; x509: X509Certificate } {
  const blocks = pemBlocks(certPem, "CERTIFICATE");
  if (blocks.length === 0) {
    throw InputError.forField(
      "certPem",
      "No certificate found. Paste ca.pem, starting with -----BEGIN CERTIFICATE-----.",
    );
  }
  if (blocks.length > 1) {
    throw InputError.forField(
      "certPem",
      `This holds ${blocks.length} certificates; paste only the CA certificate that belongs to the key.`,
    );
  }
  try {
    return { der: blocks[0], x509: new X509Certificate(blocks[0]) };
  } catch {
    throw InputError.forField("certPem", "The certificate is damaged and could not be read.");
  }
}

function checkIsCa(der: Buffer): void {
  const cert = forge.pki.certificateFromAsn1(forge.asn1.fromDer(toBytes(der)));
  const constraints = cert.getExtension("basicConstraints") as { cA?: boolean } | null;
  if (!constraints?.cA) {
    throw InputError.forField(
      "certPem",
      "This certificate is not a CA (basicConstraints does not say CA:TRUE), so it cannot sign certificates.",
    );
  }
  // The classic recipe's CA has no keyUsage at all. Go (dockerd, the docker CLI) and plain
  // `openssl verify` treat an absent keyUsage as unrestricted, so it is accepted, and the CA page
  // warns that `openssl verify -x509_strict` refuses what it signs. A keyUsage that is present but
  // leaves out keyCertSign is a CA that must not sign certificates.
  const usage = cert.getExtension("keyUsage") as { keyCertSign?: boolean } | null;
  if (usage && !usage.keyCertSign) {
    throw InputError.forField(
      "certPem",
      "This CA certificate has a key usage without keyCertSign, so it is not allowed to sign certificates. " +
        'Re-issue it from the same key with "keyUsage = critical, keyCertSign, cRLSign" and import that.',
    );
  }
}

function checkValidity(x509: X509Certificate): void {
  const now = new Date();
  const notBefore = new Date(x509.validFrom);
  const notAfter = new Date(x509.validTo);
  if (notAfter <= now) {
    throw InputError.forField("certPem", `This CA expired on ${notAfter.toISOString()}.`);
  }
  if (notBefore > now) {
    throw InputError.forField("certPem", `This CA is not valid until ${notBefore.toISOString()}; check the clocks.`);
  }
}

function readPrivateKey(keyPem: string, passphrase: string | undefined): KeyObject {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(keyPem)) {
    throw InputError.forField("keyPem", "No private key found. Paste ca-key.pem, starting with -----BEGIN.");
  }
  const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(keyPem);
  if (encrypted && !passphrase) {
    throw InputError.forField("passphrase", "This key is protected by a passphrase; enter it to import the CA.");
  }
  try {
    return createPrivateKey({ key: keyPem, format: "pem", passphrase });
  } catch {
    if (encrypted) throw InputError.forField("passphrase", "This passphrase does not open the key.");
    throw InputError.forField("keyPem", "The private key is damaged or in a format dockpki cannot read.");
  }
}
