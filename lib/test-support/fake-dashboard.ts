// Shared by the lib/bundles tests only: the dashboard's side of lib/renewal/PROTOCOL.md, played with
// the openssl CLI and throw-away CAs, on 127.0.0.1.
import { execFileSync } from "node:child_process";
import { createHash, createPublicKey, randomBytes, verify, X509Certificate } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { EC_CURVES, type KeySpec, type KeyType } from "@/lib/pki/key-types";
import { keySpecOf } from "@/lib/pki/keys";
import { makeTestPki } from "@/lib/test-support/bundle-pki";

export type HolderKind = "server" | "client";

/** How the next renewals are answered. */
export type Behaviour =
  | { kind: "ok" }
  | { kind: "refuse"; status: number; message: string }
  /** a certificate from a CA the holder does not trust, with the usual ca.pem */
  | { kind: "foreign-cert" }
  /** the usual certificate, with a ca.pem that also holds a CA nothing vouches for */
  | { kind: "extra-ca" }
  /** the usual answer, with a foreign CA slipped into ca.pem as a "TRUSTED CERTIFICATE" block,
   * which openssl would trust and a check that looks for CERTIFICATE blocks would not see */
  | { kind: "trusted-block" }
  /** issues the certificate, then drops the connection: the answer is lost on its way */
  | { kind: "lose-answer" }
  /** issues from an intermediate under the usual CA: cert.pem is leaf + intermediate, ca.pem the root */
  | { kind: "intermediate" };

export interface Report {
  serial: string;
  outcome: string;
  servedSerial: string;
  message: string;
}

export interface Issued {
  serial: string;
  certPem: string;
  keyPem: string;
}

export interface FakeDashboard {
  url: string;
  behaviour: Behaviour;
  /** Answer reports with 403 and this message, instead of taking them. */
  refuseReports: string | null;
  /** The key its holders are to have: a renewal for another key, from an agent that says it can
   * make this one, gets the dashboard's 409 naming it. */
  wantedKey: KeySpec | null;
  /** Every request, in order: path and JSON body. */
  readonly requests: { path: string; body: Record<string, unknown> }[];
  readonly reports: Report[];
  /** Every certificate it knows, by serial (lower-case hex, as openssl prints it). */
  readonly certificates: Map<string, { kind: HolderKind; certPem: string }>;
  /** The CA certificates a holder trusts after its next renewal, active first. */
  caPems(): string[];
  /** A certificate (and its key, RSA 2048 unless told) from the active CA, to start from. */
  issue(kind: HolderKind, options?: { keyType?: KeyType }): Issued;
  addToken(token: string, kind: HolderKind): void;
  /** A new active CA: answers then hold every CA and a cross certificate for the new one, signed by
   * the previous active CA (or by a CA no holder trusts). */
  rotate(options?: { crossSignedBy?: "previous" | "foreign" }): void;
  /** Only the active CA from now on. */
  dropOldCas(): void;
  close(): Promise<void>;
}

const SKEW_SECONDS = 300;
const CA_EXT = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n";
const LEAF_EXT: Record<HolderKind, string> = {
  server: "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth",
  client: "extendedKeyUsage=clientAuth",
};

const sha256Hex = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** More fields of the error object, as the dashboard's ConflictError details. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export async function startFakeDashboard(
  options: { tls?: { certPem: string; keyPem: string } } = {},
): Promise<FakeDashboard> {
  const dir = makeTestPki().dir; // ca.pem/ca-key.pem is the first active CA, other-ca.pem a foreign one
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe", encoding: "utf8" });
  const read = (file: string) => readFileSync(join(dir, file), "utf8");
  let files = 0;
  const fresh = (suffix: string) => `f${++files}${suffix}`;
  writeFileSync(join(dir, "ca.ext"), CA_EXT);
  for (const kind of ["server", "client"] as const) {
    writeFileSync(
      join(dir, `leaf-${kind}.ext`),
      `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n${LEAF_EXT[kind]}\n`,
    );
  }

  let cas = ["ca"];
  let crosses: string[] = [];
  const tokens = new Map<string, { kind: HolderKind; used: boolean }>();
  const certificates = new Map<string, { kind: HolderKind; certPem: string }>();
  const requests: { path: string; body: Record<string, unknown> }[] = [];
  const reports: Report[] = [];

  /** An issuing CA "int" under the first CA, made once: what an offline root's dashboard signs with. */
  function intermediate(): string {
    if (!existsSync(join(dir, "int.pem"))) {
      ssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "int-key.pem");
      ssl("req", "-new", "-key", "int-key.pem", "-subj", "/CN=Fake Issuing CA", "-out", "int.csr");
      ssl(
        ...["x509", "-req", "-in", "int.csr", "-CA", `${cas[0]}.pem`, "-CAkey", `${cas[0]}-key.pem`],
        ...["-CAcreateserial", "-days", "30", "-sha256", "-extfile", "ca.ext", "-out", "int.pem"],
      );
    }
    return "int";
  }

  /** Signs the CSR (PEM file in dir) as a leaf of the given kind from CA `ca`. */
  function sign(csrFile: string, kind: HolderKind, ca: string): { serial: string; certPem: string } {
    const bytes = randomBytes(16);
    bytes[0] = bytes[0] & 0x7f || 1; // as the dashboard's serials: 32 hex digits, positive
    const out = fresh(".pem");
    ssl(
      ...["x509", "-req", "-in", csrFile, "-CA", `${ca}.pem`, "-CAkey", `${ca}-key.pem`],
      ...["-set_serial", `0x${bytes.toString("hex")}`, "-days", "3", "-sha256"],
      ...["-extfile", `leaf-${kind}.ext`, "-out", out],
    );
    const certPem = read(out);
    const printed = ssl("x509", "-in", out, "-noout", "-serial")
      .trim()
      .replace(/^serial=/, "")
      .toLowerCase();
    certificates.set(printed, { kind, certPem });
    return { serial: printed, certPem };
  }

  /** The CSR from a request (base64 DER) as a PEM file, its signature checked; and its DER. */
  function csrFrom(base64: unknown): { file: string; der: Buffer; publicKey: string } {
    if (typeof base64 !== "string" || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64))
      throw new HttpError(400, "The csr is base64 on one line.");
    const der = Buffer.from(base64, "base64");
    const derFile = fresh(".der");
    const file = fresh(".csr");
    writeFileSync(join(dir, derFile), der);
    try {
      ssl("req", "-inform", "DER", "-in", derFile, "-verify", "-out", file);
      return { file, der, publicKey: ssl("req", "-in", file, "-noout", "-pubkey") };
    } catch {
      throw new HttpError(400, "The CSR is not a valid certificate request.");
    }
  }

  /** The certificate whose key signed `canonical`, as the dashboard's proof check finds it. */
  function prove(serial: unknown, time: unknown, signature: unknown, canonical: string) {
    if (typeof serial !== "string" || typeof time !== "number" || typeof signature !== "string") {
      throw new HttpError(400, "serial, time and signature are needed.");
    }
    if (Math.abs(Date.now() / 1000 - time) > SKEW_SECONDS) throw new HttpError(401, "The request's time is off.");
    const holder = certificates.get(serial);
    if (!holder) throw new HttpError(401, `This dashboard issued no certificate with serial ${serial}.`);
    const key = new X509Certificate(holder.certPem).publicKey;
    if (!verify("sha256", Buffer.from(canonical), key, Buffer.from(signature, "base64"))) {
      throw new HttpError(401, `The signature was not made with the key of certificate ${serial}.`);
    }
    return holder;
  }

  function answer(res: ServerResponse, certPem: string, caPems: string[], crossPems: string[]) {
    const body = ["# dockpki-renew-v1\n", "# cert.pem\n", certPem, "# ca.pem\n", ...caPems];
    body.push("# cross.pem\n", ...crossPems, "# end\n");
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end(body.join(""));
  }

  const api: FakeDashboard = {
    url: "",
    behaviour: { kind: "ok" },
    refuseReports: null,
    wantedKey: null,
    requests,
    reports,
    certificates,
    caPems: () => cas.map((ca) => read(`${ca}.pem`)),
    issue(kind, { keyType = "rsa" } = {}) {
      const key = fresh("-key.pem");
      const csr = fresh(".csr");
      if (keyType === "rsa") ssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key);
      else ssl("genpkey", "-algorithm", "EC", "-pkeyopt", `ec_paramgen_curve:${EC_CURVES[keyType].curve}`, "-out", key);
      ssl("req", "-new", "-key", key, "-subj", `/CN=test ${kind}`, "-out", csr);
      return { ...sign(csr, kind, cas[0]), keyPem: read(key) };
    },
    addToken(token, kind) {
      tokens.set(token, { kind, used: false });
    },
    rotate({ crossSignedBy = "previous" } = {}) {
      const ca = `ca${cas.length + 1}-${files}`;
      ssl(
        ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "3"],
        ...["-subj", `/CN=dockpki test ${ca}`, "-addext", "basicConstraints=critical,CA:TRUE"],
        ...["-addext", "keyUsage=critical,keyCertSign,cRLSign", "-keyout", `${ca}-key.pem`, "-out", `${ca}.pem`],
      );
      const signer = crossSignedBy === "previous" ? cas[0] : "other-ca";
      ssl("req", "-new", "-key", `${ca}-key.pem`, "-subj", `/CN=dockpki test ${ca}`, "-out", `${ca}.csr`);
      ssl(
        ...["x509", "-req", "-in", `${ca}.csr`, "-CA", `${signer}.pem`, "-CAkey", `${signer}-key.pem`],
        ...["-set_serial", `0x${randomBytes(8).toString("hex")}`, "-days", "3", "-sha256"],
        ...["-extfile", "ca.ext", "-out", `${ca}-cross.pem`],
      );
      cas = [ca, ...cas];
      crosses = [read(`${ca}-cross.pem`)];
    },
    dropOldCas() {
      cas = [cas[0]];
      crosses = [];
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };

  function renew(body: Record<string, unknown>, res: ServerResponse) {
    const csr = csrFrom(body.csr);
    const holder = prove(
      body.serial,
      body.time,
      body.signature,
      `dockpki-renew-v1\n${body.serial}\n${body.time}\n${sha256Hex(csr.der)}`,
    );
    const behaviour = api.behaviour;
    if (behaviour.kind === "refuse") throw new HttpError(behaviour.status, behaviour.message);
    const current = new X509Certificate(holder.certPem).publicKey.export({ type: "spki", format: "pem" });
    if (current === csr.publicKey) throw new HttpError(400, "The new key is the current one: make a new key.");
    const wanted = api.wantedKey;
    const key = keySpecOf(createPublicKey(csr.publicKey));
    const canMake = Array.isArray(body.keyTypes) && body.keyTypes.includes(wanted?.keyType);
    if (wanted && canMake && (key?.keyType !== wanted.keyType || key.keySize !== wanted.keySize)) {
      throw new HttpError(409, `The holder is to have a ${wanted.keyType} key now.`, { ...wanted });
    }
    const issuer =
      behaviour.kind === "foreign-cert" ? "other-ca" : behaviour.kind === "intermediate" ? intermediate() : cas[0];
    let { certPem } = sign(csr.file, holder.kind, issuer);
    if (behaviour.kind === "intermediate") certPem += read("int.pem");
    if (behaviour.kind === "lose-answer") {
      res.socket?.destroy();
      return;
    }
    const caPems = api.caPems();
    if (behaviour.kind === "extra-ca") caPems.push(read("other-ca.pem"));
    if (behaviour.kind === "trusted-block") caPems.push(ssl("x509", "-in", "other-ca.pem", "-trustout"));
    answer(res, certPem, caPems, crosses);
  }

  function report(body: Record<string, unknown>, res: ServerResponse) {
    const { outcome, servedSerial, message } = body;
    if (typeof outcome !== "string" || typeof servedSerial !== "string" || typeof message !== "string") {
      throw new HttpError(400, "outcome, servedSerial and message are needed.");
    }
    if (!/^[\x20-\x7e]{0,300}$/.test(message)) throw new HttpError(400, "The message is printable ASCII.");
    const canonical = `dockpki-report-v1\n${body.serial}\n${body.time}\n${outcome}\n${servedSerial}\n${sha256Hex(message)}`;
    prove(body.serial, body.time, body.signature, canonical);
    if (api.refuseReports) throw new HttpError(403, api.refuseReports);
    reports.push({ serial: String(body.serial), outcome, servedSerial, message });
    res.writeHead(204).end();
  }

  function enroll(body: Record<string, unknown>, res: ServerResponse) {
    const token = typeof body.token === "string" ? tokens.get(body.token) : undefined;
    if (!token || token.used) throw new HttpError(410, "This enrollment link was used already or has expired.");
    const csr = csrFrom(body.csr);
    token.used = true;
    answer(res, sign(csr.file, token.kind, cas[0]).certPem, api.caPems(), crosses);
  }

  const routes: Record<string, (body: Record<string, unknown>, res: ServerResponse) => void> = {
    "/api/v1/renew": renew,
    "/api/v1/renew/report": report,
    "/api/v1/enroll": enroll,
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = req.url ?? "";
    try {
      const route = req.method === "POST" ? routes[path] : undefined;
      if (!route) throw new HttpError(404, "Not found.");
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        throw new HttpError(400, "The body is not JSON.");
      }
      requests.push({ path, body });
      route(body, res);
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      const details = err instanceof HttpError ? err.details : {};
      res
        .writeHead(status, { "content-type": "application/json" })
        .end(JSON.stringify({ error: { ...details, message } }));
    }
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => void handle(req, res);
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, listener)
    : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  api.url = `${options.tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}
