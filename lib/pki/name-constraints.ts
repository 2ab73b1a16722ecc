import "server-only";
import { childrenOf, contentOf, DerError, readRoot, TAG } from "@/lib/pki/der";
import { OID, readExtensions } from "@/lib/pki/extensions";
import { ipToBytes } from "@/lib/pki/ip-bytes";

/**
 * A CA's nameConstraints (RFC 5280 4.2.1.10) as Go's crypto/x509 applies them: dockerd and the
 * docker CLI check every SAN of a server certificate against every CA in its chain, the root
 * included, and refuse the handshake when one is not allowed.
 */
export interface NameConstraints {
  permittedDns: string[];
  excludedDns: string[];
  permittedIp: IpSubtree[];
  excludedIp: IpSubtree[];
  /** A subtree of a form Go does not check (directoryName, otherName...): in a critical extension, Go refuses the CA. */
  unhandledForms: boolean;
}

export interface IpSubtree {
  ip: Buffer;
  mask: Buffer;
}

export interface CertificateNames {
  dnsNames: string[];
  ipAddresses: string[];
}

const DNS_NAME = 0x82; // [2] IMPLICIT IA5String
const IP_ADDRESS = 0x87; // [7] IMPLICIT OCTET STRING: address then mask
const EMAIL = 0x81;
const URI = 0x86;

/** A CA certificate's name constraints, null when it has none. Throws DerError where Go's parser fails too. */
export function readNameConstraints(certDer: Buffer): NameConstraints | null {
  const ext = readExtensions(certDer).find((e) => e.oid === OID.nameConstraints);
  return ext ? parseNameConstraints(ext.value) : null;
}

/** The extension's value (the OCTET STRING's content). Throws DerError where Go's parser fails too. */
export function parseNameConstraints(value: Buffer): NameConstraints {
  const out: NameConstraints = {
    permittedDns: [],
    excludedDns: [],
    permittedIp: [],
    excludedIp: [],
    unhandledForms: false,
  };
  const trees = childrenOf(value, readRoot(value, TAG.SEQUENCE));
  if (trees.length === 0 || trees.length > 2) throw new DerError("empty name constraints");
  for (const tree of trees) {
    // permittedSubtrees [0], excludedSubtrees [1], in that order
    if ((tree.tag !== 0xa0 && tree.tag !== 0xa1) || (tree === trees[1] && tree.tag !== 0xa1)) {
      throw new DerError("unexpected subtrees");
    }
    const permitted = tree.tag === 0xa0;
    const subtrees = childrenOf(value, tree);
    if (subtrees.length === 0) throw new DerError("empty subtrees");
    for (const subtree of subtrees) {
      if (subtree.tag !== TAG.SEQUENCE) throw new DerError("bad subtree");
      const [base] = childrenOf(value, subtree);
      if (!base) throw new DerError("bad subtree");
      const data = contentOf(value, base);
      if (base.tag === DNS_NAME) {
        (permitted ? out.permittedDns : out.excludedDns).push(dnsConstraint(data));
      } else if (base.tag === IP_ADDRESS) {
        (permitted ? out.permittedIp : out.excludedIp).push(ipConstraint(data));
      } else if (base.tag !== EMAIL && base.tag !== URI) {
        out.unhandledForms = true;
      }
    }
  }
  return out;
}

function dnsConstraint(data: Buffer): string {
  const text = data.toString("latin1");
  // Go refuses a certificate whose DNS constraint is not a domain name (an optional leading dot)
  if (text !== "" && !/^\.?[\x21-\x7e]+$/.test(text)) throw new DerError("bad DNS constraint");
  if (
    text
      .replace(/^\./, "")
      .split(".")
      .some((label) => label === "")
  )
    throw new DerError("bad DNS constraint");
  return text;
}

function ipConstraint(data: Buffer): IpSubtree {
  if (data.length !== 8 && data.length !== 32) throw new DerError("bad IP constraint");
  const ip = data.subarray(0, data.length / 2);
  const mask = data.subarray(data.length / 2);
  const bits = [...mask].map((b) => b.toString(2).padStart(8, "0")).join("");
  if (!/^1*0*$/.test(bits)) throw new DerError("IP constraint mask is not a prefix");
  return { ip, mask };
}

/**
 * The names that the constraints forbid, in the order given. Go's rules: a DNS constraint
 * "example.com" allows example.com and its subdomains, ".example.com" only subdomains, "" all;
 * an IP constraint is address and mask of the same family; where a CA permits some names of a
 * form, every name of that form must be inside one; an excluded subtree always wins. Go 1.25
 * also applies an excluded "a.example.com" to the wildcard "*.example.com".
 */
export function namesNotAllowed(constraints: NameConstraints, names: CertificateNames): string[] {
  const dns = names.dnsNames.filter((name) => {
    const permitted = constraints.permittedDns;
    if (permitted.length > 0 && !permitted.some((c) => dnsMatches(c, name))) return true;
    return constraints.excludedDns.some((c) => dnsMatches(c, name) || wildcardCoversExcluded(c, name));
  });
  const ips = names.ipAddresses.filter((address) => {
    const bytes = ipToBytes(address);
    if (!bytes) return true;
    const permitted = constraints.permittedIp;
    if (permitted.length > 0 && !permitted.some((c) => ipMatches(c, bytes))) return true;
    return constraints.excludedIp.some((c) => ipMatches(c, bytes));
  });
  return [...dns, ...ips];
}

/** A sentence naming what the constraints do not allow of these names, or null when they allow all. */
export function nameConstraintsRefusal(
  constraints: NameConstraints,
  names: CertificateNames,
  whose = "The CA's",
): string | null {
  const forbidden = namesNotAllowed(constraints, names);
  if (forbidden.length === 0) return null;
  return `${whose} name constraints do not allow ${listOf(forbidden)}, so Docker would refuse any certificate that names ${forbidden.length === 1 ? "it" : "them"}.`;
}

export function listOf(items: string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function dnsMatches(constraint: string, name: string): boolean {
  if (constraint === "") return true;
  const c = constraint.toLowerCase();
  const n = name.toLowerCase();
  if (c.startsWith(".")) return n.endsWith(c) && n.length > c.length;
  return n === c || n.endsWith(`.${c}`);
}

/** "*.example.com" claims every a.example.com, so an excluded "a.example.com" rules it out. */
function wildcardCoversExcluded(constraint: string, name: string): boolean {
  const dot = constraint.indexOf(".");
  return name.startsWith("*.") && dot >= 0 && name.slice(1).toLowerCase() === constraint.slice(dot).toLowerCase();
}

function ipMatches(constraint: IpSubtree, ip: Buffer): boolean {
  if (ip.length !== constraint.ip.length) return false;
  return ip.every((byte, i) => (byte & constraint.mask[i]) === (constraint.ip[i] & constraint.mask[i]));
}
