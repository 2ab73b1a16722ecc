import "server-only";
import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from "node:crypto";
import forge from "node-forge";
import { InputError } from "@/lib/errors";
import { checkCaCertificate, type InventoryHost } from "@/lib/pki/ca-checks";
import { type CaKeyPair, loadCaSigner } from "@/lib/pki/ca-signer";
import { keyDerivationRefusal } from "@/lib/pki/key-derivation";
import { type KeySpec, keySpec } from "@/lib/pki/key-types";
import { generateKeyPair, hasCompressedPoint, keyRefusal, subjectKeyIdentifier } from "@/lib/pki/keys";
import { buildName, type NameInput } from "@/lib/pki/name";
import { derToPem, parseCertificatePem, pemBlocks } from "@/lib/pki/pem";
import { randomSerialHex } from "@/lib/pki/serial";
import { signCertificate, signingKey, skiExtension } from "@/lib/pki/sign";
import { validityPeriod } from "@/lib/pki/validity";

export interface CreateCaInput extends NameInput {
  /** Default ECDSA P-256. */
  key?: KeySpec;
  days?: number;
}

export interface ImportCaInput {
  certPem: string;
  keyPem: string;
  passphrase?: string;
  /** The inventory's hosts, with the names their server certificates carry: the CA must allow them. */
  hosts?: InventoryHost[];
}

export interface ImportedCa extends CaKeyPair {
  /** Sentences for the admin: what strict verifiers will refuse, though Docker accepts it. */
  warnings: string[];
}

/** A new self-signed root CA. */
export async function createCa(input: CreateCaInput): Promise<CaKeyPair> {
  const name = buildName(input);
  const { notBefore, notAfter } = validityPeriod(input.days ?? 3650);
  const { publicKeyPem, privateKeyPem } = await generateKeyPair(input.key ?? keySpec("ecdsa-p256"));
  const spkiDer = createPublicKey(publicKeyPem).export({ type: "spki", format: "der" });
  const keyIdentifier = subjectKeyIdentifier(spkiDer);

  const cert = forge.pki.createCertificate();
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: "basicConstraints", critical: true, cA: true },
    { name: "keyUsage", critical: true, keyCertSign: true, cRLSign: true },
    skiExtension(keyIdentifier),
    { name: "authorityKeyIdentifier", keyIdentifier: keyIdentifier.toString("binary") },
  ]);
  // self-signed: forge encodes subject and issuer from the same attributes, so they match
  const der = signCertificate(cert, signingKey(privateKeyPem), { issuer: null, spkiDer });
  return { certPem: derToPem("CERTIFICATE", der), keyPem: privateKeyPem };
}

/**
 * A cross certificate for a CA rotation: the successor's subject (byte for byte) and public key,
 * issued by its predecessor, valid while both are. A host or client that trusts only the old CA
 * can check the new one with it before it accepts a ca.pem holding the new CA.
 */
export function crossSignCa(successorCertPem: string, predecessor: CaKeyPair): string {
  const successor = parseCertificatePem(successorCertPem);
  const ca = loadCaSigner(predecessor);
  const ski = successor.cert.getExtension("subjectKeyIdentifier") as { subjectKeyIdentifier?: string } | null;
  const cert = forge.pki.createCertificate();
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = successor.cert.validity.notBefore;
  cert.validity.notAfter = new Date(Math.min(successor.cert.validity.notAfter.getTime(), ca.notAfter.getTime()));
  cert.setSubject(successor.cert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", critical: true, cA: true },
    { name: "keyUsage", critical: true, keyCertSign: true, cRLSign: true },
    skiExtension(
      ski?.subjectKeyIdentifier
        ? Buffer.from(ski.subjectKeyIdentifier, "hex")
        : subjectKeyIdentifier(successor.spkiDer),
    ),
    { name: "authorityKeyIdentifier", keyIdentifier: ca.keyIdentifier.toString("binary") },
  ]);
  const der = signCertificate(cert, ca.signer, {
    issuer: ca.name,
    subject: successor.subjectAsn1,
    spkiDer: successor.spkiDer,
  });
  return derToPem("CERTIFICATE", der);
}

/**
 * Checks an existing CA (certificate + key, PKCS#1 or PKCS#8, optionally encrypted) and returns
 * it normalised: the certificate alone, the key as unencrypted PKCS#8 for the caller to seal.
 * Refused: what dockpki cannot sign with, and what Go (dockerd, the docker CLI) would make
 * useless, so that nothing is issued from a CA whose certificates can never verify.
 */
export function importCa(input: ImportCaInput): ImportedCa {
  const { der, x509 } = readCertificate(input.certPem);
  const refusal = keyRefusal(x509.publicKey, "this CA has");
  if (refusal) {
    const advice =
      x509.publicKey.asymmetricKeyType === "rsa"
        ? ""
        : " Create a new CA in dockpki, or import a CA with an ECDSA (P-256, P-384) or RSA key.";
    throw InputError.forField("certPem", `${refusal}${advice}`);
  }
  if (x509.publicKey.asymmetricKeyType === "ec" && hasCompressedPoint(parseCertificatePem(input.certPem).spkiDer)) {
    throw InputError.forField(
      "certPem",
      "This CA's public key is written as a compressed EC point, which Go (dockerd, the docker CLI) cannot read: dockerd would not start with it. Re-issue the CA certificate from the same key with openssl's default (uncompressed) point form.",
    );
  }
  const warnings = checkCaCertificate(der, x509, input.hosts ?? []);

  const key = readPrivateKey(input.keyPem, input.passphrase);
  const keyProblem = keyRefusal(key, "this key is");
  if (keyProblem) throw InputError.forField("keyPem", keyProblem);
  if (!x509.checkPrivateKey(key)) {
    throw InputError.forField("keyPem", "This key does not belong to the CA certificate.");
  }
  return {
    certPem: derToPem("CERTIFICATE", der),
    keyPem: key.export({ type: "pkcs8", format: "pem" }).toString(),
    warnings,
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

function readPrivateKey(keyPem: string, passphrase: string | undefined): KeyObject {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(keyPem)) {
    throw InputError.forField("keyPem", "No private key found. Paste ca-key.pem, starting with -----BEGIN.");
  }
  const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(keyPem);
  const costly = encrypted ? keyDerivationRefusal(keyPem) : null;
  if (costly) throw InputError.forField("keyPem", costly);
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
