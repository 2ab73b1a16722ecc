import "server-only";
import { createHash, X509Certificate } from "node:crypto";
import { type LookupAddress, lookup } from "node:dns";
import { type IncomingMessage, request } from "node:http";
import { isIP, isIPv4, isIPv6, type LookupFunction } from "node:net";
import {
  checkServerIdentity,
  connect,
  createSecureContext,
  type DetailedPeerCertificate,
  type SecureContext,
  type TLSSocket,
} from "node:tls";

// The live probe: what a Docker daemon actually serves on its TLS port. One TLS connection per
// address, and on it at most one GET /version, only with the monitoring certificate and only to a
// daemon whose chain dockpki trusts.

export interface ProbeTarget {
  /** A DNS name or an IP literal (v4 or v6, no brackets). */
  address: string;
  port: number;
}

export interface ProbeMaterials {
  /** The CAs a daemon's certificate may chain to (the active and previous CAs). */
  trustedCaPems: string[];
  /** The monitoring client certificate (CN dockpki-monitor); absent for a tls-only host. */
  clientCertPem?: string;
  clientKeyPem?: string;
}

export interface EndpointResult {
  address: string;
  port: number;
  ok: boolean;
  /** When !ok: one plain sentence, the most important problem. */
  error?: string;
  servedSerial?: string;
  servedNotAfter?: string;
  servedFingerprint?: string;
  /** As Node reports it, leaf first: what the daemon sent, completed from trustedCaPems. */
  chain?: { subject: string; serial: string }[];
  trusted?: boolean;
  isCurrent?: boolean;
  nameOk?: boolean;
  tlsVersion?: string;
  dockerVersion?: string;
  apiVersion?: string;
  durationMs: number;
}

export type ProbeStatus = "current" | "old" | "wrong-name" | "untrusted" | "unreachable";

/** What one connection found. `failure` is its own problem (refused, timed out, the monitoring
 * certificate refused, /version); `answered` once /version's status line came back. */
type Session = Partial<EndpointResult> & { authorizationError?: string; failure?: string; answered?: boolean };

const MAX_ANSWER_BYTES = 64 * 1024;
const LOOPBACK_ONLY_ENV = "DOCKPKI_PROBE_LOOPBACK_ONLY";
// TLS alerts by which a daemon turns away the client certificate it was shown (or the lack of one).
const REFUSAL_ALERT = /alert (bad certificate|unsupported certificate|certificate \w+|unknown ca|access denied)/i;

const loopbackOnly = () => process.env[LOOPBACK_ONLY_ENV] === "1";

export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/\.$/, "");
  if (a === "localhost" || a.endsWith(".localhost")) return true;
  if (isIPv4(a)) return a.startsWith("127.");
  if (!isIPv6(a) || a.includes("%")) return false;
  // The URL parser writes IPv6 in its one canonical form; ::ffff:127.x.y.z becomes ::ffff:7fxx:yyzz.
  const host = new URL(`http://[${a}]/`).hostname;
  return host === "[::1]" || /^\[::ffff:7f[0-9a-f]{2}:/.test(host);
}

/** Names under .localhost are loopback by RFC 6761: answered as "localhost", never asked of DNS.
 * With the loopback guard on, a name that resolves anywhere else is not connected to. */
const lookupAddress: LookupFunction = (hostname, options, callback) => {
  const name = /\.localhost\.?$/i.test(hostname) ? "localhost" : hostname;
  lookup(name, { ...options, all: true }, (err, found: LookupAddress[]) => {
    const usable = err || !loopbackOnly() ? found : found.filter((a) => isLoopbackAddress(a.address));
    if (!err && usable.length === 0) {
      const e = Object.assign(new Error(`not probed: ${hostname} resolves to a non-loopback address`), {
        code: "ENOTLOOPBACK",
      });
      return callback(e, "", 0);
    }
    if (err || options.all) return callback(err, usable ?? [], undefined);
    callback(null, usable[0].address, usable[0].family);
  });
};

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;
/** `address:port` as a Host header writes it (an IPv6 address in brackets). */
export const hostHeader = ({ address, port }: ProbeTarget) => `${isIPv6(address) ? `[${address}]` : address}:${port}`;
/** As X509Certificate.serialNumber writes it, lower-cased; dockpki stores its serials this way too. */
const normalizeSerial = (serial: string) =>
  serial
    .toLowerCase()
    .replaceAll(":", "")
    .replace(/^(00)+(?=.)/, "");

function readServed(peer: DetailedPeerCertificate): Session {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  for (let c: DetailedPeerCertificate | undefined = peer; c?.raw && !seen.has(c.fingerprint256); ) {
    seen.add(c.fingerprint256);
    chain.push(new X509Certificate(c.raw));
    c = c.issuerCertificate === c ? undefined : c.issuerCertificate;
  }
  const leaf = chain[0];
  return {
    servedSerial: normalizeSerial(leaf.serialNumber),
    servedNotAfter: new Date(leaf.validTo).toISOString(),
    servedFingerprint: createHash("sha256").update(leaf.raw).digest("hex"),
    chain: chain.map((c) => ({ subject: c.subject.replaceAll("\n", ", "), serial: normalizeSerial(c.serialNumber) })),
  };
}

/** One plain sentence for a socket or HTTP error, knowing how far the connection got. */
function describeError(err: NodeJS.ErrnoException & { reason?: string }, s: Session, withCert: boolean): string {
  const alert = REFUSAL_ALERT.exec(err.reason ?? err.message)?.[1];
  if (alert) {
    return withCert
      ? `the daemon refused dockpki's monitoring certificate (${alert})`
      : `the daemon wants a client certificate (${alert})`;
  }
  const code = err.code ?? "";
  if (code === "ENOTLOOPBACK") return err.message;
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME") return "no such host";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return "no route to the host";
  const lost = ["ECONNRESET", "EPIPE", "ECLOSED"].includes(code) || err.message === "socket hang up";
  const how = code === "ECONNRESET" ? "connection reset" : "the connection closed";
  // With TLS 1.3 the client finishes its handshake before the daemon has checked the client
  // certificate: a daemon that then drops the connection without a word has refused it.
  if (lost && s.servedSerial && withCert && s.tlsVersion === "TLSv1.3") {
    return `the daemon refused dockpki's monitoring certificate (${how})`;
  }
  if (!s.servedSerial) return `TLS handshake failed: ${lost ? how : (err.reason ?? err.message)}`;
  return `GET /version failed: ${lost ? `${how} without an answer` : err.message}`;
}

function askVersion(socket: TLSSocket, target: ProbeTarget, s: Session, finish: (failure?: string) => void) {
  const req = request({
    // No agent: with one, Node would dial a connection of its own instead of using this socket.
    createConnection: () => socket,
    setHost: false,
    method: "GET",
    path: "/version",
    headers: { Host: hostHeader(target), Connection: "close", "User-Agent": "dockpki-probe/1" },
  });
  req.on("error", (err) => s.answered || finish(describeError(err, s, true)));
  req.on("response", (res: IncomingMessage) => {
    s.answered = true;
    if (res.statusCode !== 200) return finish(`GET /version answered HTTP ${res.statusCode}`);
    const parts: Buffer[] = [];
    let size = 0;
    res.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) return finish("GET /version answered more than 64 KiB");
      parts.push(chunk);
    });
    res.on("end", () => {
      try {
        const body = JSON.parse(Buffer.concat(parts).toString("utf8"));
        if (typeof body?.Version !== "string") throw new Error("no Version");
        s.dockerVersion = body.Version;
        if (typeof body.ApiVersion === "string") s.apiVersion = body.ApiVersion;
        finish();
      } catch {
        finish("GET /version did not answer with Docker's version JSON");
      }
    });
    // After "end" this does nothing; before it, the answer was cut off.
    res.on("error", () => undefined);
    res.on("close", () => finish("GET /version failed: the answer was cut off"));
  });
  req.end();
}

/** What every connection of a probe run presents and trusts. Made once per run: parsing the key
 * and CAs is most of what a refused connection costs. */
interface Credentials {
  context: SecureContext;
  withCert: boolean;
}

function credentials(materials: ProbeMaterials): Credentials {
  const withCert = Boolean(materials.clientCertPem && materials.clientKeyPem);
  const context = createSecureContext({
    ca: materials.trustedCaPems,
    ...(withCert ? { cert: materials.clientCertPem, key: materials.clientKeyPem } : {}),
    minVersion: "TLSv1.2",
  });
  return { context, withCert };
}

/** The connection itself, under one timer; settles once the socket is closed. */
function runSession(target: ProbeTarget, { context, withCert }: Credentials, timeoutMs: number): Promise<Session> {
  return new Promise((settle) => {
    const s: Session = {};
    let done = false;
    let closed = false;
    const socket = connect({
      host: target.address,
      port: target.port,
      servername: isIP(target.address) ? undefined : target.address,
      secureContext: context,
      rejectUnauthorized: false,
      // Names are checked apart (nameOk), so that `authorized` says only whether the chain verifies.
      checkServerIdentity: () => undefined,
      lookup: lookupAddress,
    });
    const finish = (failure?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (failure) s.failure = failure;
      if (closed) return settle(s);
      socket.once("close", () => settle(s));
      socket.destroy();
    };
    const timer = setTimeout(() => finish(`timed out after ${seconds(timeoutMs)}`), timeoutMs);
    // Once /version's answer has begun, its own events tell how it ended.
    socket.once("close", () => {
      closed = true;
      if (!s.answered) finish(describeError(Object.assign(new Error("closed"), { code: "ECLOSED" }), s, withCert));
    });
    socket.on("error", (err) => s.answered || finish(describeError(err, s, withCert)));
    socket.once("secureConnect", () => {
      const peer = socket.getPeerCertificate(true);
      if (!peer?.raw) return finish("TLS handshake failed: the daemon sent no certificate");
      Object.assign(s, readServed(peer));
      s.trusted = socket.authorized;
      s.authorizationError = socket.authorizationError?.toString();
      s.nameOk = checkServerIdentity(target.address, peer) === undefined;
      s.tlsVersion = socket.getProtocol() ?? undefined;
      // Nothing is said over HTTP to a daemon dockpki does not trust, nor without the monitoring certificate.
      if (withCert && s.trusted) askVersion(socket, target, s, finish);
      else finish();
    });
  });
}

/** The most important problem first: unreachable, untrusted, not current, wrong name, then the rest. */
function firstProblem(s: Session, address: string, currentSerial: string | null): string | undefined {
  if (!s.servedSerial) return s.failure ?? "TLS handshake failed";
  if (!s.trusted) {
    const why = s.authorizationError ?? "unknown";
    if (why === "CERT_HAS_EXPIRED") return `its certificate has expired (${why})`;
    if (why === "CERT_NOT_YET_VALID") return `its certificate is not valid yet (${why})`;
    return `its certificate is not signed by a CA dockpki trusts (${why})`;
  }
  if (currentSerial === null) return `serves serial ${s.servedSerial}, but dockpki has no current certificate for it`;
  if (s.servedSerial !== normalizeSerial(currentSerial)) {
    return `serves serial ${s.servedSerial}, not the current certificate ${normalizeSerial(currentSerial)}`;
  }
  if (!s.nameOk) return `its certificate does not cover ${address}`;
  return s.failure;
}

export async function probeEndpoint(
  target: ProbeTarget,
  materials: ProbeMaterials,
  currentSerial: string | null,
  opts: { timeoutMs?: number } = {},
): Promise<EndpointResult> {
  return probeWith(target, credentials(materials), currentSerial, opts.timeoutMs ?? 3000);
}

async function probeWith(
  target: ProbeTarget,
  creds: Credentials,
  currentSerial: string | null,
  timeoutMs: number,
): Promise<EndpointResult> {
  const t0 = performance.now();
  const { address, port } = target;
  const elapsed = () => Math.round((performance.now() - t0) * 10) / 10;
  const refuse = (error: string): EndpointResult => ({ address, port, ok: false, error, durationMs: elapsed() });
  if (loopbackOnly() && !isLoopbackAddress(address)) {
    return refuse(`not probed: ${LOOPBACK_ONLY_ENV} is set and ${address} is not a loopback address`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) return refuse(`not probed: ${port} is not a TCP port`);
  const s = await runSession(target, creds, timeoutMs);
  const error = firstProblem(s, address, currentSerial);
  const durationMs = elapsed();
  if (!s.servedSerial) return { address, port, ok: false, error, durationMs };
  const { trusted, nameOk, tlsVersion, dockerVersion, apiVersion } = s;
  const isCurrent = currentSerial === null ? undefined : s.servedSerial === normalizeSerial(currentSerial);
  return withoutUndefined({
    address,
    port,
    ok: !error,
    error,
    servedSerial: s.servedSerial,
    servedNotAfter: s.servedNotAfter,
    servedFingerprint: s.servedFingerprint,
    chain: s.chain,
    trusted,
    isCurrent,
    nameOk,
    tlsVersion,
    dockerVersion,
    apiVersion,
    durationMs,
  });
}

const withoutUndefined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** Every target, `concurrency` at a time (default 16); results in the order of `targets`. */
export async function probeEndpoints(
  targets: ProbeTarget[],
  materials: ProbeMaterials,
  currentSerial: string | null,
  opts: { timeoutMs?: number; concurrency?: number } = {},
): Promise<EndpointResult[]> {
  const results = new Array<EndpointResult>(targets.length);
  const creds = credentials(materials);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const i = next++;
      results[i] = await probeWith(targets[i], creds, currentSerial, opts.timeoutMs ?? 3000);
    }
  };
  const workers = Math.max(1, Math.min(opts.concurrency ?? 16, targets.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
