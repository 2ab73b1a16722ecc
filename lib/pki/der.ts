import "server-only";

/**
 * A minimal DER reader for what dockpki takes from outside (CSRs, CA certificates). It only finds
 * element boundaries, so the exact bytes a signature covers can be sliced from the input and
 * nothing is decoded before the caller decides it is worth decoding. node-forge's parser builds
 * its own tree and re-encodes it, which loses those bytes.
 */
export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
}

export class DerError extends Error {
  override name = "DerError";
}

export function readTlv(buf: Buffer, offset = 0, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError("truncated element");
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw new DerError("high tag numbers are not used here");
  let length = buf[offset + 1];
  let pos = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    // 0 is BER's indefinite length; more than 4 bytes would be gigabytes
    if (count === 0 || count > 4 || pos + count > limit) throw new DerError("bad length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[pos++];
  }
  if (pos + length > limit) throw new DerError("element runs past its parent");
  return { tag, start: offset, contentStart: pos, end: pos + length };
}

/** The one element that fills `buf`, nothing after it. */
export function readRoot(buf: Buffer, tag: number): Tlv {
  const root = readTlv(buf);
  if (root.tag !== tag || root.end !== buf.length) throw new DerError("not a single element");
  return root;
}

/** The elements inside a constructed one, optionally checking their tags (null: any tag). */
export function childrenOf(buf: Buffer, parent: Tlv, tags?: (number | null)[]): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.contentStart; at < parent.end; at = out[out.length - 1].end) {
    out.push(readTlv(buf, at, parent.end));
  }
  tags?.forEach((tag, i) => {
    if (tag !== null && out[i]?.tag !== tag) throw new DerError(`unexpected element ${i}`);
  });
  return out;
}

export const contentOf = (buf: Buffer, t: Tlv): Buffer => buf.subarray(t.contentStart, t.end);
/** The whole element, tag and length included, exactly as it appears in the input. */
export const elementOf = (buf: Buffer, t: Tlv): Buffer => buf.subarray(t.start, t.end);

/** Dotted text of an OBJECT IDENTIFIER's content bytes. */
export function oidText(bytes: Buffer): string {
  // real OIDs are a few dozen bytes; a huge one would only cost time
  if (bytes.length === 0 || bytes.length > 100) throw new DerError("bad OID");
  const arcs: bigint[] = [];
  let value = 0n;
  for (const byte of bytes) {
    value = (value << 7n) | BigInt(byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0n;
    }
  }
  if (bytes[bytes.length - 1] & 0x80) throw new DerError("truncated OID");
  const first = arcs[0] < 80n ? arcs[0] / 40n : 2n;
  return [first, arcs[0] - first * 40n, ...arcs.slice(1)].join(".");
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;
