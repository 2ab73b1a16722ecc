// Shared by the lib/bundles tests only.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestPki {
  dir: string;
  caPem: string;
  otherCaPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  clientCertPem: string;
  clientKeyPem: string;
}

/** A throw-away CA (plus an unrelated second CA) with a server certificate for 127.0.0.1/localhost
 * and a client certificate, made with the openssl CLI so the code under test grades nothing itself. */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "dockpki-pki-"));
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const read = (f: string) => readFileSync(join(dir, f), "utf8");
  for (const ca of ["ca", "other-ca"]) {
    ssl(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-sha256",
      "-days",
      "2",
      "-subj",
      `/CN=dockpki test ${ca}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
      "-keyout",
      `${ca}-key.pem`,
      "-out",
      `${ca}.pem`,
    );
  }
  issueTestLeaf(dir, "server", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth");
  issueTestLeaf(dir, "client", "extendedKeyUsage=clientAuth");
  return {
    dir,
    caPem: read("ca.pem"),
    otherCaPem: read("other-ca.pem"),
    serverCertPem: read("server.pem"),
    serverKeyPem: read("server-key.pem"),
    clientCertPem: read("client.pem"),
    clientKeyPem: read("client-key.pem"),
  };
}

/** A leaf from the test CA in `dir` (made by makeTestPki) with the given extensions and an RSA-2048
 * or ECDSA P-256 key: `${name}.pem`, `${name}-key.pem`. */
export function issueTestLeaf(
  dir: string,
  name: string,
  extensions: string,
  key: "rsa" | "ec" = "rsa",
): { certPem: string; keyPem: string } {
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const ku = "keyUsage=critical,digitalSignature,keyEncipherment";
  writeFileSync(join(dir, `${name}.ext`), `basicConstraints=CA:FALSE\n${ku}\n${extensions}\n`);
  ssl(
    "req",
    "-newkey",
    ...(key === "rsa" ? ["rsa:2048"] : ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]),
    "-nodes",
    "-keyout",
    `${name}-key.pem`,
    "-out",
    `${name}.csr`,
    "-subj",
    `/CN=${name}`,
  );
  ssl(
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca-key.pem",
    "-CAcreateserial",
    "-days",
    "2",
    "-sha256",
    "-extfile",
    `${name}.ext`,
    "-out",
    `${name}.pem`,
  );
  return {
    certPem: readFileSync(join(dir, `${name}.pem`), "utf8"),
    keyPem: readFileSync(join(dir, `${name}-key.pem`), "utf8"),
  };
}
