import { BlockList, isIP } from "node:net";

// Who is asking, as far as the network can tell: the address that is throttled and written to the
// audit log. Only the socket knows the peer; scripts/server.mjs passes it in PEER_HEADER, stamped
// with a secret of the process so that a client sending that header itself is not believed.
// X-Forwarded-For and X-Forwarded-Proto count only when the peer is a proxy the admin listed in
// DOCKPKI_TRUSTED_PROXIES.

export const PEER_HEADER = "x-dockpki-peer";
const PEER_TOKEN = Symbol.for("dockpki.peer-token");

/** An address as dockpki keeps it: IPv4 dotted, IPv6 lower-case and compressed, IPv4-mapped IPv6 as IPv4. */
export function normalizeAddress(text: string | null | undefined): string | null {
  let ip = (text ?? "").trim();
  if (ip.startsWith("[") && ip.includes("]")) ip = ip.slice(1, ip.indexOf("]"));
  // Some load balancers write a hop with its port: 192.0.2.7:51234
  else if (/^[0-9.]+:\d{1,5}$/.test(ip)) ip = ip.slice(0, ip.indexOf(":"));
  ip = ip.replace(/%.*$/, "");
  const family = isIP(ip);
  if (family === 4) return ip;
  if (family !== 6) return null;
  const compressed = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(compressed);
  if (!mapped) return compressed;
  const [hi, lo] = [Number.parseInt(mapped[1], 16), Number.parseInt(mapped[2], 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
}

export interface TrustedProxies {
  list: BlockList;
  entries: string[];
}

/** DOCKPKI_TRUSTED_PROXIES: addresses or CIDRs, separated by commas or spaces. Throws a sentence on a bad entry. */
export function parseTrustedProxies(text: string | undefined): TrustedProxies {
  const list = new BlockList();
  const entries = (text ?? "").split(/[\s,]+/).filter(Boolean);
  for (const entry of entries) {
    const [addressText, prefixText, extra] = entry.split("/");
    const address = normalizeAddress(addressText);
    const family = address ? (isIP(address) === 4 ? "ipv4" : "ipv6") : null;
    const max = family === "ipv4" ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    // "10.0.0.1/" would read as /0: a prefix, when there is a slash, is one to three digits.
    const prefixOk = prefixText === undefined || (/^\d{1,3}$/.test(prefixText) && prefix <= max);
    if (!address || !family || extra !== undefined || !prefixOk) {
      throw new Error(
        `DOCKPKI_TRUSTED_PROXIES: "${entry.slice(0, 60)}" is not an IP address or CIDR (such as 10.0.0.5 or 192.0.2.0/24).`,
      );
    }
    if (prefix === 0) {
      throw new Error(
        `DOCKPKI_TRUSTED_PROXIES: "${entry.slice(0, 60)}" would trust every address, so any client could choose the address it is logged and throttled under. List your proxies' own addresses.`,
      );
    }
    list.addSubnet(address, prefix, family);
  }
  return { list, entries };
}

function isTrusted(trusted: TrustedProxies, address: string): boolean {
  return trusted.list.check(address, isIP(address) === 4 ? "ipv4" : "ipv6");
}

/**
 * The client's address: the peer, or, when the peer is a trusted proxy, the right-most hop of
 * X-Forwarded-For that is not itself a trusted proxy. Hops are read right to left because each proxy
 * appends what it saw; everything left of the first untrusted hop was written by the client.
 */
export function resolveClientAddress(peer: string, forwardedFor: string | null, trusted: TrustedProxies): string {
  if (!isTrusted(trusted, peer)) return peer;
  let client = peer;
  const hops = (forwardedFor ?? "").split(",").map((h) => h.trim());
  for (let i = hops.length - 1; i >= 0; i--) {
    if (hops[i] === "") continue;
    const hop = normalizeAddress(hops[i]);
    // A trusted proxy wrote garbage: what lies beyond it is unknown, so the proxy is the client.
    if (!hop) return client;
    client = hop;
    if (!isTrusted(trusted, hop)) return hop;
  }
  return client;
}

const state = globalThis as unknown as { dockpkiTrustedProxies?: TrustedProxies };

/** The configured proxies, read once; startup checks the setting before the first request. */
export function trustedProxies(): TrustedProxies {
  state.dockpkiTrustedProxies ??= parseTrustedProxies(process.env.DOCKPKI_TRUSTED_PROXIES);
  return state.dockpkiTrustedProxies;
}

/** The peer address from PEER_HEADER, when scripts/server.mjs of this very process wrote it. */
export function peerAddress(header: string | null): string | null {
  const token = (globalThis as Record<symbol, unknown>)[PEER_TOKEN];
  if (typeof token !== "string" || !header) return null;
  const space = header.indexOf(" ");
  if (space < 0 || header.slice(0, space) !== token) return null;
  return normalizeAddress(header.slice(space + 1));
}

interface HeaderSource {
  get(name: string): string | null;
}

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ["10.0.0.0", 8],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["127.0.0.0", 8],
  ["100.64.0.0", 10],
] as const) {
  PRIVATE.addSubnet(net, prefix, "ipv4");
}
PRIVATE.addSubnet("fc00::", 7, "ipv6");
PRIVATE.addSubnet("::1", 128, "ipv6");

const warned = globalThis as unknown as { dockpkiUntrustedProxy?: string };

/** A proxy not listed in DOCKPKI_TRUSTED_PROXIES that forwards clients' addresses, as last seen; or null. */
export function untrustedProxySeen(): string | null {
  return warned.dockpkiUntrustedProxy ?? null;
}

/**
 * A peer on a private or loopback address that forwards other clients' addresses is a proxy the
 * admin has not listed: every client behind it shares its address for throttling and the audit
 * log. (Next adds X-Forwarded-For itself when a request has none, with the peer as its one hop.)
 */
function noticeUntrustedProxy(peer: string, forwardedFor: string | null): void {
  if (!forwardedFor || warned.dockpkiUntrustedProxy === peer) return;
  if (forwardedFor.split(",").every((hop) => normalizeAddress(hop) === peer)) return;
  if (!PRIVATE.check(peer, isIP(peer) === 4 ? "ipv4" : "ipv6")) return;
  warned.dockpkiUntrustedProxy = peer;
  console.warn(
    `dockpki: requests from ${peer} carry X-Forwarded-For, but ${peer} is not in DOCKPKI_TRUSTED_PROXIES: every client behind it is throttled and logged as ${peer}. List the proxy there.`,
  );
}

/** The client address of a request, or null when dockpki runs without its server (scripts/server.mjs). */
export function clientAddressOf(headers: HeaderSource): string | null {
  const peer = peerAddress(headers.get(PEER_HEADER));
  if (!peer) return null;
  const forwardedFor = headers.get("x-forwarded-for");
  const trusted = trustedProxies();
  if (!isTrusted(trusted, peer)) noticeUntrustedProxy(peer, forwardedFor);
  return resolveClientAddress(peer, forwardedFor, trusted);
}

/** Whether the browser reached dockpki over https, as a trusted proxy says (dockpki itself speaks http). */
export function forwardedHttps(headers: HeaderSource): boolean {
  const peer = peerAddress(headers.get(PEER_HEADER));
  if (!peer || !isTrusted(trustedProxies(), peer)) return false;
  // The value the trusted peer wrote: the last, when proxies append.
  return headers.get("x-forwarded-proto")?.split(",").at(-1)?.trim() === "https";
}
