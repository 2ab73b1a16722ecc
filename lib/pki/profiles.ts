import "server-only";
import { createHash } from "node:crypto";
import forge from "node-forge";
import { InputError } from "@/lib/errors";
import { type CaKeyPair, loadCaSigner } from "@/lib/pki/ca-signer";
import { ipToBytes } from "@/lib/pki/ip-bytes";
import type { KeySpec } from "@/lib/pki/key-types";
import { readPublicKey, subjectKeyIdentifier } from "@/lib/pki/keys";
import { buildName } from "@/lib/pki/name";
import {
  type CertificateNames,
  type NameConstraints,
  nameConstraintsRefusal,
  namesNotAllowed,
  readNameConstraints,
} from "@/lib/pki/name-constraints";
import { derToPem, pemBlocks, toBytes } from "@/lib/pki/pem";
import { randomSerialHex } from "@/lib/pki/serial";
import { signCertificateAsync, skiExtension } from "@/lib/pki/sign";
import { validityPeriod } from "@/lib/pki/validity";

export interface IssuedCertificate {
  certPem: string;
  /** 32 lowercase hex digits. */
  serial: string;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 of the DER certificate, lowercase hex without separators. */
  fingerprint: string;
  /** The subject's key. */
  key: KeySpec;
}

export interface ServerCertificateInput {
  publicKeyPem: string;
  ca: CaKeyPair;
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
  days: number;
  /** Also clientAuth: a Swarm manager dials other daemons with the same certificate. */
  clientAuth?: boolean;
}

export interface ClientCertificateInput {
  publicKeyPem: string;
  ca: CaKeyPair;
  commonName: string;
  days: number;
}

// RFC 1123 labels, optionally "*." in front; Go refuses a SAN that is not IA5 (ASCII)
const DNS_NAME = /^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

export async function buildServerCertificate(input: ServerCertificateInput): Promise<IssuedCertificate> {
  const altNames = [
    ...unique(input.dnsNames).map((dns) => {
      if (dns.length > 253 || !DNS_NAME.test(dns)) {
        throw InputError.forField("dnsNames", `"${dns}" is not a valid DNS name.`);
      }
      return { type: 2, value: dns };
    }),
    ...unique(input.ipAddresses).map((ip) => {
      const bytes = ipToBytes(ip);
      if (!bytes) throw InputError.forField("ipAddresses", `"${ip}" is not a valid IPv4 or IPv6 address.`);
      return { type: 7, value: toBytes(bytes) };
    }),
  ];
  if (altNames.length === 0) {
    throw new InputError(
      "A server certificate needs at least one DNS name or IP address: Docker clients ignore the common name.",
      {
        dnsNames: ["Add a DNS name or an IP address."],
        ipAddresses: ["Add a DNS name or an IP address."],
      },
    );
  }
  checkNameConstraints(input.ca, { dnsNames: unique(input.dnsNames), ipAddresses: unique(input.ipAddresses) });
  return issue(input, [
    { name: "subjectAltName", altNames },
    { name: "extKeyUsage", serverAuth: true, clientAuth: input.clientAuth === true },
  ]);
}

export async function buildClientCertificate(input: ClientCertificateInput): Promise<IssuedCertificate> {
  return issue(input, [{ name: "extKeyUsage", clientAuth: true }]);
}

async function issue(input: ClientCertificateInput, profile: object[]): Promise<IssuedCertificate> {
  const subject = buildName({ commonName: input.commonName });
  const key = readPublicKey(input.publicKeyPem);
  const ca = loadCaSigner(input.ca);
  const { notBefore, notAfter } = validityPeriod(input.days, ca.notAfter);

  const cert = forge.pki.createCertificate();
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject(subject);
  cert.setExtensions([
    ...profile,
    // keyEncipherment is for RSA key transport: an EC key signs only (as Go's own tools set it)
    { name: "keyUsage", critical: true, digitalSignature: true, keyEncipherment: key.keyType === "rsa" },
    { name: "basicConstraints", critical: true, cA: false },
    skiExtension(subjectKeyIdentifier(key.spkiDer)),
    { name: "authorityKeyIdentifier", keyIdentifier: ca.keyIdentifier.toString("binary") },
  ]);
  const der = await signCertificateAsync(cert, ca.signer, { issuer: ca.name, spkiDer: key.spkiDer });
  return {
    certPem: derToPem("CERTIFICATE", der),
    serial: cert.serialNumber,
    notBefore,
    notAfter,
    fingerprint: createHash("sha256").update(der).digest("hex"),
    key: { keyType: key.keyType, keySize: key.keySize },
  };
}

/**
 * Go checks every SAN against the name constraints of every CA in the chain, at every handshake:
 * the issuing CA's and, above an intermediate, the root's. Refuse before issuing.
 */
function checkNameConstraints(ca: CaKeyPair, names: CertificateNames): void {
  const chain = [ca.certPem, ...(ca.anchorPem && ca.anchorPem !== ca.certPem ? [ca.anchorPem] : [])];
  for (const [index, pem] of chain.entries()) {
    checkConstraintsOf(pem, index === 0 ? "The CA's" : "The root CA's", names);
  }
}

function checkConstraintsOf(certPem: string, whose: string, names: CertificateNames): void {
  let constraints: NameConstraints | null;
  try {
    constraints = readNameConstraints(pemBlocks(certPem, "CERTIFICATE")[0]);
  } catch {
    throw InputError.forField("certPem", "The CA certificate could not be read.");
  }
  const message = constraints ? nameConstraintsRefusal(constraints, names, whose) : null;
  if (!constraints || !message) return;
  const forbidden = namesNotAllowed(constraints, names);
  const fieldErrors: Record<string, string[]> = {};
  if (names.dnsNames.some((n) => forbidden.includes(n))) fieldErrors.dnsNames = [message];
  if (names.ipAddresses.some((n) => forbidden.includes(n))) fieldErrors.ipAddresses = [message];
  throw new InputError(message, fieldErrors);
}

const unique = (values: string[]) => [...new Set(values)];
