import "server-only";
import { createPublicKey, X509Certificate } from "node:crypto";
import forge from "node-forge";
import { InputError } from "@/lib/errors";
import { checkCaCertificate, type InventoryHost } from "@/lib/pki/ca-checks";
import { childrenOf, contentOf, readRoot, TAG } from "@/lib/pki/der";
import { OID, readExtensions } from "@/lib/pki/extensions";
import { buildName } from "@/lib/pki/name";
import { derToPem, pemBlocks, toBuffer } from "@/lib/pki/pem";
import { signDer, signingKey } from "@/lib/pki/sign";

const { asn1, pki } = forge;

/**
 * A PKCS#10 request for an issuing CA's key, signed by that key (RFC 2986): the subject is the
 * CA's name, and nothing else is asked for; the extensions come from the offline root's signing
 * command, which dockpki writes out (intermediateSigningCommand). Built here because forge writes
 * requests for RSA keys only.
 */
export function buildCaRequest(input: { commonName: string; keyPem: string; publicKeyPem: string }): string {
  const signer = signingKey(input.keyPem);
  const stand = pki.createCertificate();
  stand.setSubject(buildName({ commonName: input.commonName }));
  const spki = createPublicKey(input.publicKeyPem).export({ type: "spki", format: "der" });
  const info = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, String.fromCharCode(0)), // v1
    pki.distinguishedNameToAsn1(stand.subject),
    asn1.fromDer(spki.toString("binary")),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, []), // no attributes
  ]);
  return derToPem("CERTIFICATE REQUEST", signDer(toBuffer(asn1.toDer(info).getBytes()), signer));
}

/**
 * What the admin runs where the offline root lives: an extensions file and `openssl x509 -req`,
 * making a CA that may sign leaves only (pathlen:0) and CRLs, for `days` days.
 */
export function intermediateSigningCommand(days: number): string {
  return [
    "# Where the offline root's key is (root.pem and root-key.pem), with intermediate.csr from dockpki:",
    "cat > intermediate.ext <<'EOF'",
    "basicConstraints = critical, CA:TRUE, pathlen:0",
    "keyUsage = critical, keyCertSign, cRLSign",
    "subjectKeyIdentifier = hash",
    "authorityKeyIdentifier = keyid:always",
    "EOF",
    `openssl x509 -req -in intermediate.csr -CA root.pem -CAkey root-key.pem -CAcreateserial -days ${days} -sha256 -extfile intermediate.ext -out intermediate.pem`,
    "# Then upload intermediate.pem and root.pem (never root-key.pem) to dockpki.",
  ].join("\n");
}

/** The one certificate a field holds, parsed; refused plainly otherwise. */
function oneCertificate(pem: string, field: string, what: string): { der: Buffer; x509: X509Certificate } {
  const blocks = pemBlocks(pem, "CERTIFICATE");
  if (blocks.length !== 1) {
    throw InputError.forField(
      field,
      blocks.length === 0
        ? `No certificate found: paste ${what}, starting with -----BEGIN CERTIFICATE-----.`
        : `This holds ${blocks.length} certificates; paste only ${what}.`,
    );
  }
  try {
    return { der: blocks[0], x509: new X509Certificate(blocks[0]) };
  } catch {
    throw InputError.forField(field, `${what[0].toUpperCase()}${what.slice(1)} is damaged and could not be read.`);
  }
}

/** basicConstraints pathLenConstraint, or null when there is none (or no basicConstraints). */
export function pathLength(der: Buffer): number | null {
  const ext = readExtensions(der).find((e) => e.oid === OID.basicConstraints);
  if (!ext) return null;
  const fields = childrenOf(ext.value, readRoot(ext.value, TAG.SEQUENCE));
  const length = fields.find((f) => f.tag === TAG.INTEGER);
  return length ? contentOf(ext.value, length).readUIntBE(0, Math.min(6, length.end - length.contentStart)) : null;
}

/**
 * Checks a signed issuing CA against the key dockpki made for it and the root it names: the same
 * public key, a CA that may sign certificates (everything an imported CA is checked for), signed
 * by rootPem, which is itself a self-signed CA that allows one CA below it. Answers both
 * certificates as clean PEM and the warnings (what Docker accepts but strict verifiers do not).
 */
export function checkIntermediate(input: {
  certPem: string;
  rootPem: string;
  publicKeyPem: string;
  hosts: InventoryHost[];
}): { certPem: string; rootPem: string; warnings: string[] } {
  const cert = oneCertificate(input.certPem, "certPem", "the signed intermediate certificate");
  const root = oneCertificate(input.rootPem, "rootPem", "the root certificate");
  const pending = createPublicKey(input.publicKeyPem);
  if (!cert.x509.publicKey.equals(pending)) {
    throw InputError.forField(
      "certPem",
      "This certificate is not for the key dockpki is waiting for: sign the intermediate.csr dockpki gave you last.",
    );
  }
  const warnings = checkCaCertificate(cert.der, cert.x509, input.hosts);
  let rootWarnings: string[];
  try {
    rootWarnings = checkCaCertificate(root.der, root.x509, input.hosts);
  } catch (err) {
    if (err instanceof InputError) throw InputError.forField("rootPem", `The root: ${err.message}`);
    throw err;
  }
  if (!root.x509.checkIssued(root.x509) || !root.x509.verify(root.x509.publicKey)) {
    throw InputError.forField(
      "rootPem",
      "This is not a root: it is not self-signed. Paste the root certificate at the top of the chain.",
    );
  }
  if (!cert.x509.checkIssued(root.x509) || !cert.x509.verify(root.x509.publicKey)) {
    throw InputError.forField(
      "certPem",
      "This certificate does not chain to the root given: it was not signed by that root's key.",
    );
  }
  if (pathLength(root.der) === 0) {
    throw InputError.forField(
      "rootPem",
      "This root says pathlen:0, so it may not have a CA below it; Docker would refuse every certificate the intermediate signs.",
    );
  }
  if (new Date(cert.x509.validTo) > new Date(root.x509.validTo)) {
    warnings.push(
      `The intermediate is valid until ${new Date(cert.x509.validTo).toISOString()}, after the root expires (${new Date(root.x509.validTo).toISOString()}): its certificates stop verifying with the root.`,
    );
  }
  return {
    certPem: derToPem("CERTIFICATE", cert.der),
    rootPem: derToPem("CERTIFICATE", root.der),
    warnings: [...warnings, ...rootWarnings.map((w) => `The root: ${w}`)],
  };
}
