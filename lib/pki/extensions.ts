import "server-only";
import { childrenOf, contentOf, DerError, oidText, readRoot, TAG } from "@/lib/pki/der";

export interface Extension {
  oid: string;
  critical: boolean;
  /** The content of extnValue: the extension's own DER. */
  value: Buffer;
}

/** The extensions of a certificate, in order. Throws DerError when they do not decode. */
export function readExtensions(certDer: Buffer): Extension[] {
  const [tbs] = childrenOf(certDer, readRoot(certDer, TAG.SEQUENCE), [TAG.SEQUENCE]);
  const wrapper = childrenOf(certDer, tbs).find((t) => t.tag === 0xa3); // [3] EXPLICIT Extensions
  if (!wrapper) return [];
  const [list] = childrenOf(certDer, wrapper, [TAG.SEQUENCE]);
  return childrenOf(certDer, list).map((ext) => {
    const parts = childrenOf(certDer, ext);
    const hasFlag = parts[1]?.tag === TAG.BOOLEAN;
    const [oid, value] = [parts[0], parts[hasFlag ? 2 : 1]];
    if (oid?.tag !== TAG.OID || value?.tag !== TAG.OCTET_STRING || parts.length !== (hasFlag ? 3 : 2)) {
      throw new DerError("bad extension");
    }
    return {
      oid: oidText(contentOf(certDer, oid)),
      critical: hasFlag && contentOf(certDer, parts[1])[0] !== 0,
      value: contentOf(certDer, value),
    };
  });
}

export const OID = {
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  nameConstraints: "2.5.29.30",
  cRLDistributionPoints: "2.5.29.31",
  certificatePolicies: "2.5.29.32",
  policyMappings: "2.5.29.33",
  authorityKeyIdentifier: "2.5.29.35",
  policyConstraints: "2.5.29.36",
  extKeyUsage: "2.5.29.37",
  inhibitAnyPolicy: "2.5.29.54",
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1",
} as const;
const NAMES = new Map<string, string>(Object.entries(OID).map(([name, oid]) => [oid, name]));

/** "keyUsage (2.5.29.15)" for the extensions dockpki knows by name, else the OID alone. */
export const extensionName = (oid: string) => (NAMES.has(oid) ? `${NAMES.get(oid)} (${oid})` : oid);
