// The tools people use instead of dockpki, run as their documentation runs them, on one CA: the
// openssl recipe of Docker's "Protect the Docker daemon socket" page (genrsa/genpkey, req, x509 -req
// with an extfile), `cfssl gencert | cfssljson -bare`, easy-rsa's `build-server-full` in a PKI of
// its own, and `cfssl serve` for load. Each issues one server key and certificate with the same
// subject alternative names.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The leaf keys compared: what dockpki now makes by default, and the RSA size of the classic recipe's clients. */
export type LeafKey = "ecdsa-p256" | "rsa-2048";

export const EASYRSA = "/usr/share/easy-rsa/easyrsa";

export const SERVER_NAMES = {
  commonName: "docker1",
  dnsNames: ["docker1.example.com", "localhost"],
  ipAddresses: ["10.0.0.5", "127.0.0.1"],
};

/** Which tools are on this machine: a missing one is left out of the run, and said so. */
export async function availableTools(): Promise<{ openssl: boolean; cfssl: boolean; easyrsa: boolean }> {
  const works = (cmd: string, args: string[]) =>
    run(cmd, args).then(
      () => true,
      () => false,
    );
  return {
    openssl: await works("openssl", ["version"]),
    cfssl: (await works("cfssl", ["version"])) && (await works("sh", ["-c", "command -v cfssljson"])),
    easyrsa: existsSync(EASYRSA),
  };
}

export async function toolVersions(): Promise<string> {
  const out = (cmd: string, args: string[]) =>
    run(cmd, args).then(
      (r) => r.stdout.trim().split("\n")[0],
      () => "missing",
    );
  const easyrsa = await run(EASYRSA, ["--version"]).then(
    (r) => /Version:\s*(\S+)/.exec(r.stdout)?.[1] ?? "unknown version",
    () => "missing",
  );
  return `${await out("openssl", ["version"])}; cfssl ${(await out("cfssl", ["version"])).replace(/^Version:\s*/, "")}; easy-rsa ${easyrsa}`;
}

/** Every tool's files for one CA (PEM certificate and unencrypted PKCS#8 key) in `dir`. */
export function prepareToolPki(dir: string, ca: { certPem: string; keyPem: string }): void {
  writeFileSync(path.join(dir, "ca.pem"), ca.certPem);
  writeFileSync(path.join(dir, "ca-key.pem"), ca.keyPem, { mode: 0o600 });
  const { dnsNames, ipAddresses } = SERVER_NAMES;
  // Docker's page: `echo subjectAltName = DNS:...,IP:... >> extfile.cnf`, `echo extendedKeyUsage = serverAuth >> extfile.cnf`
  writeFileSync(
    path.join(dir, "extfile.cnf"),
    `subjectAltName = ${[...dnsNames.map((d) => `DNS:${d}`), ...ipAddresses.map((ip) => `IP:${ip}`)].join(",")}\n` +
      "extendedKeyUsage = serverAuth\n",
  );
  writeFileSync(
    path.join(dir, "cfssl-config.json"),
    JSON.stringify({
      signing: {
        default: { expiry: "8760h" },
        profiles: { server: { expiry: "8760h", usages: ["signing", "key encipherment", "server auth"] } },
      },
    }),
  );
  for (const key of ["ecdsa-p256", "rsa-2048"] as const) {
    writeFileSync(path.join(dir, `cfssl-csr-${key}.json`), JSON.stringify(cfsslRequest(key)));
    mkdirSync(path.join(dir, `openssl-${key}`), { recursive: true });
    mkdirSync(path.join(dir, `cfssl-${key}`), { recursive: true });
  }
}

function cfsslRequest(key: LeafKey) {
  return {
    CN: SERVER_NAMES.commonName,
    hosts: [...SERVER_NAMES.dnsNames, ...SERVER_NAMES.ipAddresses],
    key: key === "rsa-2048" ? { algo: "rsa", size: 2048 } : { algo: "ecdsa", size: 256 },
  };
}

/** Docker's recipe: a key, a CSR, and the CA's signature with the extfile (three processes). */
export async function opensslRecipe(dir: string, key: LeafKey): Promise<void> {
  const cwd = path.join(dir, `openssl-${key}`);
  const openssl = (...args: string[]) => run("openssl", args, { cwd });
  if (key === "rsa-2048") await openssl("genrsa", "-out", "key.pem", "2048");
  else await openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "key.pem");
  const subject = `/CN=${SERVER_NAMES.commonName}`;
  await openssl(...["req", "-subj", subject, "-sha256", "-new", "-key", "key.pem", "-out", "server.csr"]);
  await openssl(
    ...["x509", "-req", "-days", "365", "-sha256", "-in", "server.csr", "-CA", "../ca.pem", "-CAkey", "../ca-key.pem"],
    ...["-CAcreateserial", "-CAserial", "ca.srl", "-out", "cert.pem", "-extfile", "../extfile.cnf"],
  );
}

/** `cfssl gencert -ca ca.pem -ca-key ca-key.pem -config ... -profile server csr.json | cfssljson -bare server`. */
export function cfsslGencert(dir: string, key: LeafKey): Promise<void> {
  const cwd = path.join(dir, `cfssl-${key}`);
  const gencert = spawn(
    "cfssl",
    [
      ...["gencert", "-ca", "../ca.pem", "-ca-key", "../ca-key.pem", "-config", "../cfssl-config.json"],
      ...["-profile", "server", `../cfssl-csr-${key}.json`],
    ],
    { cwd, stdio: ["ignore", "pipe", "ignore"] },
  );
  const cfssljson = spawn("cfssljson", ["-bare", "server"], { cwd, stdio: ["pipe", "ignore", "pipe"] });
  gencert.stdout.pipe(cfssljson.stdin);
  return Promise.all([exitOf(gencert, "cfssl gencert"), exitOf(cfssljson, "cfssljson")]).then(() => undefined);
}

function exitOf(child: ChildProcess, what: string): Promise<void> {
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${what} exited with ${code}: ${stderr.slice(0, 300)}`)),
    );
  });
}

/**
 * An easy-rsa PKI in `dir`/easyrsa holding the CA (what `init-pki` and `build-ca` would leave, with
 * the CA imported instead of made); answers a function that runs one `build-server-full` in it.
 */
export async function prepareEasyRsa(dir: string): Promise<(key: LeafKey, name: string) => Promise<void>> {
  const pki = path.join(dir, "easyrsa");
  await run(EASYRSA, ["--batch", `--pki-dir=${pki}`, "init-pki"], { cwd: dir });
  await run("cp", [path.join(dir, "ca.pem"), path.join(pki, "ca.crt")]);
  await run("cp", [path.join(dir, "ca-key.pem"), path.join(pki, "private", "ca.key")]);
  for (const sub of ["issued", "certs_by_serial", "revoked/certs_by_serial", "revoked/private_by_serial", "renewed"]) {
    mkdirSync(path.join(pki, sub), { recursive: true });
  }
  writeFileSync(path.join(pki, "index.txt"), "");
  writeFileSync(path.join(pki, "index.txt.attr"), "unique_subject = no\n");
  writeFileSync(path.join(pki, "serial"), "01\n");
  const san = [
    ...SERVER_NAMES.dnsNames.map((d) => `DNS:${d}`),
    ...SERVER_NAMES.ipAddresses.map((ip) => `IP:${ip}`),
  ].join(",");
  return async (key, name) => {
    const algo = key === "rsa-2048" ? ["--use-algo=rsa", "--keysize=2048"] : ["--use-algo=ec", "--curve=prime256v1"];
    await run(
      EASYRSA,
      ["--batch", `--pki-dir=${pki}`, ...algo, "--days=365", `--san=${san}`, "build-server-full", name, "nopass"],
      { cwd: dir },
    );
  };
}

export interface CfsslServer {
  baseUrl: string;
  /** Its process group, for support/proc.ts. */
  pid: number;
  /** One POST /api/v1/cfssl/newcert (key made by cfssl, certificate signed with the server profile). */
  newcert(key: LeafKey): Promise<{ status: number; ok: boolean; body: string }>;
  stop(): Promise<void>;
}

/** `cfssl serve` on a loopback port with the CA in `dir`. */
export async function startCfsslServe(dir: string, port: number): Promise<CfsslServer> {
  const child = spawn(
    "cfssl",
    [
      ...["serve", "-address", "127.0.0.1", "-port", String(port)],
      ...["-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "cfssl-config.json"],
    ],
    { cwd: dir, stdio: "ignore", detached: true },
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.pid) process.kill(-child.pid, "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`cfssl serve exited with ${child.exitCode}`);
    const up = await fetch(`${baseUrl}/api/v1/cfssl/info`, { method: "POST", body: "{}" }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i > 100) {
      await stop();
      throw new Error("cfssl serve did not answer within 10 s");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const bodies = {
    "ecdsa-p256": JSON.stringify({ request: cfsslRequest("ecdsa-p256"), profile: "server" }),
    "rsa-2048": JSON.stringify({ request: cfsslRequest("rsa-2048"), profile: "server" }),
  };
  return {
    baseUrl,
    pid: child.pid as number,
    stop,
    async newcert(key) {
      const res = await fetch(`${baseUrl}/api/v1/cfssl/newcert`, { method: "POST", body: bodies[key] });
      const body = await res.text();
      return { status: res.status, ok: res.ok && body.includes('"success":true'), body };
    },
  };
}
