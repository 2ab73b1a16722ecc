import "server-only";
import forge from "node-forge";
import { InputError } from "@/lib/errors";
import { type CaKeyPair, loadCaSigner } from "@/lib/pki/ca-signer";
import { derToPem, toBuffer } from "@/lib/pki/pem";
import { signDer } from "@/lib/pki/sign";

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

/**
 * The RFC 5280 reasons an admin may pick. Left out: certificateHold (dockpki never un-revokes),
 * removeFromCRL (delta CRLs only), cACompromise and aACompromise (for CA and attribute certs).
 */
export const REVOCATION_REASONS = [
  { name: "unspecified", code: 0, label: "Unspecified" },
  { name: "keyCompromise", code: 1, label: "Key compromise" },
  { name: "affiliationChanged", code: 3, label: "Affiliation changed" },
  { name: "superseded", code: 4, label: "Superseded" },
  { name: "cessationOfOperation", code: 5, label: "Cessation of operation" },
  { name: "privilegeWithdrawn", code: 9, label: "Privilege withdrawn" },
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number]["name"];

export interface CrlEntry {
  serial: string;
  revokedAt: Date;
  reason?: RevocationReason;
}

export interface CrlInput {
  ca: CaKeyPair;
  entries: CrlEntry[];
  crlNumber: number;
  thisUpdate: Date;
  nextUpdate: Date;
}

const OID = {
  authorityKeyIdentifier: "2.5.29.35",
  cRLNumber: "2.5.29.20",
  reasonCode: "2.5.29.21",
};

/** A v2 CRL signed by the CA, as PEM. node-forge has no CRL writer, so it is built from ASN.1. */
export function buildCrl(input: CrlInput): string {
  if (!Number.isSafeInteger(input.crlNumber) || input.crlNumber < 0) {
    throw InputError.forField("crlNumber", "The CRL number must be a whole number of at least 0.");
  }
  if (input.nextUpdate <= input.thisUpdate) {
    throw InputError.forField("nextUpdate", "The next update must come after this update.");
  }
  const ca = loadCaSigner(input.ca);
  const tbs = seq([
    integer("01"), // v2
    ca.signer.algorithm.identifier(), // the CA's own: sha256WithRSAEncryption or ecdsa-with-SHA256/384
    ca.name,
    time(input.thisUpdate),
    time(input.nextUpdate),
    // an empty revokedCertificates must be left out, not written as an empty SEQUENCE
    ...(input.entries.length ? [seq(input.entries.map(revokedEntry))] : []),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      seq([
        extension(
          OID.authorityKeyIdentifier,
          seq([asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, ca.keyIdentifier.toString("binary"))]),
        ),
        extension(OID.cRLNumber, integer(input.crlNumber.toString(16))),
      ]),
    ]),
  ]);
  return derToPem("X509 CRL", signDer(toBuffer(asn1.toDer(tbs).getBytes()), ca.signer));
}

function revokedEntry(entry: CrlEntry): Asn1 {
  const fields = [integer(entry.serial), time(entry.revokedAt)];
  const reason = REVOCATION_REASONS.find((r) => r.name === (entry.reason ?? "unspecified"));
  if (!reason) throw InputError.forField("reason", `"${entry.reason}" is not a revocation reason dockpki knows.`);
  // RFC 5280 5.3.1: the reason code is left out rather than written as unspecified
  if (reason.code !== 0) {
    fields.push(
      seq([
        extension(
          OID.reasonCode,
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.ENUMERATED, false, String.fromCharCode(reason.code)),
        ),
      ]),
    );
  }
  return seq(fields);
}

function extension(oid: string, value: Asn1): Asn1 {
  return seq([
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes()),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, asn1.toDer(value).getBytes()),
  ]);
}

/** A non-negative INTEGER from hex, minimally encoded (a 00 in front only when the top bit is set). */
function integer(hex: string): Asn1 {
  if (!/^[0-9a-f]+$/i.test(hex)) throw new Error(`not a hex serial: ${hex}`);
  let bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex");
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  bytes = bytes.subarray(start);
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, bytes.toString("binary"));
}

/** UTCTime up to 2049, GeneralizedTime from 2050 (RFC 5280 5.1.2.4). */
function time(date: Date): Asn1 {
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
}

const seq = (value: Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, value);
