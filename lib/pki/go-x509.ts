import "server-only";
import { childrenOf, contentOf, DerError, oidText, readRoot, TAG } from "@/lib/pki/der";
import { type Extension, extensionName, OID } from "@/lib/pki/extensions";
import { parseNameConstraints } from "@/lib/pki/name-constraints";

// What Go's crypto/x509 processExtensions (parser.go) reads; any other critical extension lands in
// UnhandledCriticalExtensions, and Verify refuses every chain through that certificate.
const GO_HANDLES: string[] = [
  OID.subjectKeyIdentifier,
  OID.keyUsage,
  OID.subjectAltName,
  OID.basicConstraints,
  OID.nameConstraints,
  OID.cRLDistributionPoints,
  OID.certificatePolicies,
  OID.authorityKeyIdentifier,
  OID.extKeyUsage,
  OID.authorityInfoAccess,
];
// Go refuses to parse a certificate that marks one of these critical (RFC 5280 forbids it).
const NEVER_CRITICAL: string[] = [OID.subjectKeyIdentifier, OID.authorityKeyIdentifier, OID.authorityInfoAccess];

// Go 1.24 added these three; older dockerd and docker CLI builds (the Debian dockerd 20.10 here
// among them) still refuse them when critical, so they are refused as unhandled

const SINCE_GO_124: string[] = [OID.policyMappings, OID.policyConstraints, OID.inhibitAnyPolicy];

/** Why Go would refuse every certificate this CA signs, judged by its extensions, or null. */
export function goRefusal(extensions: Extension[]): string | null {
  const twice = extensions.find((e, i) => extensions.findIndex((other) => other.oid === e.oid) !== i);
  if (twice)
    return `This CA certificate has the ${extensionName(twice.oid)} extension twice, and Go refuses to read it.`;
  for (const ext of extensions) {
    let problem: string | null;
    try {
      problem = extensionRefusal(ext);
    } catch {
      problem = `This CA certificate's ${extensionName(ext.oid)} extension is malformed, and Go refuses to read it.`;
    }
    if (problem) return problem;
  }
  return null;
}

function extensionRefusal(ext: Extension): string | null {
  // Go parses these whether or not they are critical, and refuses the certificate when they do not decode
  if (ext.oid === OID.nameConstraints) parseNameConstraints(ext.value);
  if (ext.oid === OID.extKeyUsage) return ekuRefusal(ext.value);
  if (!ext.critical) return null;
  if (NEVER_CRITICAL.includes(ext.oid)) {
    return `This CA certificate marks its ${extensionName(ext.oid)} extension critical, which RFC 5280 forbids and recent Go releases (dockerd, the docker CLI) refuse to read.`;
  }
  if (GO_HANDLES.includes(ext.oid) && !unhandledContent(ext)) return null;
  const who = SINCE_GO_124.includes(ext.oid)
    ? "Go before 1.24 (most dockerd and docker CLI builds)"
    : "Go (dockerd, the docker CLI)";
  return `This CA certificate has a critical extension that ${who} does not handle, ${extensionName(ext.oid)}, so Docker would refuse every certificate it signs.`;
}

/** Go handles these two only in part: a SAN with no name it knows, constraints of forms it does not check. */
function unhandledContent(ext: Extension): boolean {
  if (ext.oid === OID.nameConstraints) return parseNameConstraints(ext.value).unhandledForms;
  if (ext.oid !== OID.subjectAltName) return false;
  const names = childrenOf(ext.value, readRoot(ext.value, TAG.SEQUENCE));
  return !names.some((n) => [0x81, 0x82, 0x86, 0x87].includes(n.tag)); // email, DNS, URI, IP
}

const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
const ANY_EKU = "2.5.29.37.0";

/**
 * Go lets a leaf's EKU through only when every CA in its chain allows it too: a CA whose EKU
 * lacks serverAuth or clientAuth (and anyExtendedKeyUsage) signs one kind of dockpki
 * certificate that Docker always refuses.
 */
function ekuRefusal(value: Buffer): string | null {
  const usages = childrenOf(value, readRoot(value, TAG.SEQUENCE)).map((oid) => {
    if (oid.tag !== TAG.OID) throw new DerError("bad extended key usage");
    return oidText(contentOf(value, oid));
  });
  if (usages.includes(ANY_EKU)) return null;
  const missing = [
    usages.includes(SERVER_AUTH) ? null : "serverAuth",
    usages.includes(CLIENT_AUTH) ? null : "clientAuth",
  ].filter((u) => u !== null);
  if (missing.length === 0) return null;
  const refused = missing.length === 2 ? "server or client" : missing[0] === "serverAuth" ? "server" : "client";
  return (
    `This CA's extended key usage leaves out ${missing.join(" and ")}, and Go passes a CA's EKU down to what it signs, ` +
    `so Docker would refuse every ${refused} certificate from it; use a CA without extendedKeyUsage, or with serverAuth and clientAuth.`
  );
}
