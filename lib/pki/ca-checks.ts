import "server-only";
import type { X509Certificate } from "node:crypto";
import type forge from "node-forge";
import { InputError } from "@/lib/errors";
import { type Extension, OID, readExtensions } from "@/lib/pki/extensions";
import { goRefusal } from "@/lib/pki/go-x509";
import { attributeText } from "@/lib/pki/name";
import { type CertificateNames, listOf, namesNotAllowed, parseNameConstraints } from "@/lib/pki/name-constraints";
import { nameTextProblem } from "@/lib/pki/name-text";
import { derToPem, parseCertificatePem, pemBlocks } from "@/lib/pki/pem";

/** A host of the inventory with the names its server certificate carries. */
export interface InventoryHost extends CertificateNames {
  name: string;
}

const refuse = (message: string) => InputError.forField("certPem", message);

/**
 * Everything about an imported CA certificate (its key already checked) that would make it
 * useless or misleading: not a CA, outside its validity, a subject that hides characters, an
 * extension Go refuses, name constraints that exclude a host. Returns the warnings for what
 * Docker accepts but strict verifiers do not.
 */
export function checkCaCertificate(der: Buffer, x509: X509Certificate, hosts: InventoryHost[]): string[] {
  let extensions: Extension[];
  let cert: forge.pki.Certificate;
  try {
    extensions = readExtensions(der);
    // forge decodes the subject's strings and the extensions dockpki reads by name
    cert = parseCertificatePem(derToPem("CERTIFICATE", der)).cert;
  } catch {
    throw refuse("The certificate is damaged and could not be read.");
  }
  checkIsCa(cert);
  checkValidity(x509);
  checkSubject(cert);
  const goProblem = goRefusal(extensions);
  if (goProblem) throw refuse(goProblem);
  checkHostsAllowed(extensions, hosts);
  return strictVerifierWarnings(extensions);
}

function checkIsCa(cert: forge.pki.Certificate): void {
  const constraints = cert.getExtension("basicConstraints") as { cA?: boolean } | null;
  if (!constraints?.cA) {
    throw refuse(
      "This certificate is not a CA (basicConstraints does not say CA:TRUE), so it cannot sign certificates.",
    );
  }
  // The classic recipe's CA has no keyUsage at all. Go (dockerd, the docker CLI) and plain
  // `openssl verify` treat an absent keyUsage as unrestricted, so it is accepted with a warning.
  // A keyUsage that is present but leaves out keyCertSign is a CA that must not sign certificates.
  const usage = cert.getExtension("keyUsage") as { keyCertSign?: boolean } | null;
  if (usage && !usage.keyCertSign) {
    throw refuse(
      "This CA certificate has a key usage without keyCertSign, so it is not allowed to sign certificates. " +
        'Re-issue it from the same key with "keyUsage = critical, keyCertSign, cRLSign" and import that.',
    );
  }
}

function checkValidity(x509: X509Certificate): void {
  const now = new Date();
  const notBefore = new Date(x509.validFrom);
  const notAfter = new Date(x509.validTo);
  if (notAfter <= now) throw refuse(`This CA expired on ${notAfter.toISOString()}.`);
  if (notBefore > now) throw refuse(`This CA is not valid until ${notBefore.toISOString()}; check the clocks.`);
}

/** The subject is shown in dockpki and copied as the issuer into every certificate the CA signs. */
function checkSubject(cert: forge.pki.Certificate): void {
  for (const field of cert.subject.attributes) {
    let text: string;
    try {
      text = attributeText(field);
    } catch {
      throw refuse(
        "This CA's name is not valid UTF-8 text, and Go (dockerd, the docker CLI) refuses such certificates.",
      );
    }
    if (nameTextProblem(text)) {
      throw refuse(
        "This CA's name holds control or invisible characters (such as bidi controls or zero-width spaces), " +
          "which would be shown in dockpki and copied into every certificate it signs; import a CA with a plain name.",
      );
    }
  }
}

function checkHostsAllowed(extensions: Extension[], hosts: InventoryHost[]): void {
  const ext = extensions.find((e) => e.oid === OID.nameConstraints);
  if (!ext || hosts.length === 0) return;
  const constraints = parseNameConstraints(ext.value); // goRefusal has parsed it once already
  const refused = hosts.flatMap((host) => {
    const names = namesNotAllowed(constraints, host);
    return names.length ? [`${host.name} (${names.join(", ")})`] : [];
  });
  if (refused.length === 0) return;
  const shown = refused.length > 5 ? [...refused.slice(0, 5), `${refused.length - 5} more`] : refused;
  throw refuse(
    `This CA's name constraints do not allow ${refused.length === 1 ? "the host" : "the hosts"} ${listOf(shown)}, ` +
      "so Docker would refuse their server certificates; import a CA whose constraints cover the inventory.",
  );
}

/** What Go and plain openssl accept, but `openssl verify -x509_strict` refuses in everything the CA signs. */
/** The warnings of a stored CA certificate, for its page (the same sentences import gave). */
export function caCertificateWarnings(certPem: string): string[] {
  const [der] = pemBlocks(certPem, "CERTIFICATE");
  return der ? strictVerifierWarnings(readExtensions(der)) : [];
}

function strictVerifierWarnings(extensions: Extension[]): string[] {
  const has = (oid: string) => extensions.some((e) => e.oid === oid);
  const warnings: string[] = [];
  if (!has(OID.keyUsage)) {
    warnings.push(
      "This CA has no keyUsage extension: Docker and plain openssl accept it, but `openssl verify -x509_strict` refuses every certificate it signs; " +
        'to fix that, re-issue the CA from the same key with "keyUsage = critical, keyCertSign, cRLSign".',
    );
  }
  if (!has(OID.subjectKeyIdentifier)) {
    warnings.push(
      "This CA has no subjectKeyIdentifier extension: Docker and plain openssl accept it, but `openssl verify -x509_strict` refuses every certificate it signs; " +
        'to fix that, re-issue the CA from the same key with "subjectKeyIdentifier = hash".',
    );
  }
  return warnings;
}
