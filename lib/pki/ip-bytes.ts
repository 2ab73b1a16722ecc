import "server-only";
import { isIPv4, isIPv6 } from "node:net";

/**
 * The 4 or 16 bytes of an iPAddress SAN, or null when `ip` is not an address. Not forge's
 * encoder: it returns null for IPv4-mapped IPv6 (::ffff:1.2.3.4) and turns "zz::1" into ::1.
 */
export function ipToBytes(ip: string): Buffer | null {
  if (isIPv4(ip)) return Buffer.from(ip.split(".").map(Number));
  // a zone id (fe80::1%eth0) passes isIPv6 but means nothing outside one machine
  if (!isIPv6(ip) || ip.includes("%")) return null;
  return ipv6Bytes(ip);
}

function ipv6Bytes(ip: string): Buffer {
  let text = ip;
  const mapped = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (mapped) {
    const [a, b, c, d] = mapped.slice(2).map(Number);
    text = `${mapped[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::").map((part) => (part ? part.split(":") : []));
  const groups = tail ? [...head, ...Array(8 - head.length - tail.length).fill("0"), ...tail] : head;
  const out = Buffer.alloc(16);
  groups.forEach((group, i) => {
    out.writeUInt16BE(Number.parseInt(group, 16), i * 2);
  });
  return out;
}
