import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes, X509Certificate } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { ZipArchive } from "archiver";
import yauzl from "yauzl";
import { repoRoot } from "@/lib/test-support/temp-data-dir";
import { collect, unzip } from "@/lib/test-support/zip";

// Drives the real bin, as an admin would, against throw-away data directories. The master key comes
// from the key file, never from DOCKPKI_MASTER_KEY.
const root = mkdtempSync(path.join(tmpdir(), "dockpki-cli-"));
const work = path.join(root, "work"); // where the commands are typed: relative paths resolve here
const dataA = path.join(root, "a");
const PASSWORD = "correct horse battery";

function dockpki(
  dataDir: string,
  args: string[],
  input = "",
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKPKI_DATA_DIR: dataDir };
  delete env.DOCKPKI_MASTER_KEY;
  const child = spawn(process.execPath, [path.join(repoRoot, "bin/dockpki.mjs"), ...args], { cwd: work, env });
  child.stdin.end(input);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

async function ok(dataDir: string, args: string[], input = "") {
  const r = await dockpki(dataDir, args, input);
  assert.equal(r.status, 0, `dockpki ${args.join(" ")} failed:\n${r.stdout}${r.stderr}`);
  return r;
}

/** Every file of a directory and the hash of its bytes, to prove a refused restore touched nothing. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [
        f,
        createHash("sha256")
          .update(readFileSync(path.join(dir, f)))
          .digest("hex"),
      ]),
  );
}

/** Entries of a zip as raw bytes (test-support's unzip reads them as text). */
function zipBytes(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, archive) => {
      if (err) return reject(err);
      const entries = new Map<string, Buffer>();
      archive.on("end", () => resolve(entries));
      archive.on("entry", (entry: yauzl.Entry) =>
        archive.openReadStream(entry, async (e, stream) => {
          if (e) return reject(e);
          entries.set(entry.fileName, await collect(stream));
          archive.readEntry();
        }),
      );
      archive.readEntry();
    });
  });
}

const serialOf = (pem: string) => new X509Certificate(pem).serialNumber.toLowerCase();
const printed = (stdout: string, field: string) => stdout.match(new RegExp(`^${field}:\\s+(\\S+)`, "m"))?.[1];

before(async () => {
  mkdirSync(work);
  // The first command creates the database and the key file; the rest may then run side by side.
  await ok(dataA, ["admin", "create", "--username", "alice", "--password-stdin"], PASSWORD);
  await Promise.all([
    ok(dataA, ["ca", "create", "--cn", "CLI Test CA", "--key-size", "2048", "--days", "400"]),
    addInventory(),
  ]);
});

after(() => rmSync(root, { recursive: true, force: true }));

// There is no CLI for the inventory: add it through the domain functions, then let go of the database.
async function addInventory() {
  process.env.DOCKPKI_DATA_DIR = dataA;
  delete process.env.DOCKPKI_MASTER_KEY;
  const { createHost } = await import("@/lib/inventory/hosts");
  const { hostCreateSchema } = await import("@/lib/inventory/hosts.schema");
  const { createClient } = await import("@/lib/inventory/clients");
  const { db } = await import("@/lib/db");
  const host = hostCreateSchema.parse({
    name: "docker1",
    dnsNames: ["docker1.example.com"],
    ipAddresses: ["10.0.0.5"],
  });
  await createHost({ kind: "cli" }, host);
  await createClient({ kind: "cli" }, { name: "laptop", kind: "person", notes: "" });
  await db.$disconnect();
}

test("the key file is created 0600 beside the database on first run", () => {
  assert.equal(statSync(path.join(dataA, "master.key")).mode & 0o777, 0o600);
});

test("admin create and token create/revoke", async () => {
  const [short, , created] = await Promise.all([
    dockpki(dataA, ["admin", "create", "--username", "bob", "--password-stdin"], "short"),
    ok(dataA, ["admin", "create", "--username", "carol", "--password-stdin"], `${PASSWORD}\n`),
    ok(dataA, ["token", "create", "--name", "ci-deploy"]),
  ]);
  assert.equal(short.status, 1);
  assert.match(short.stderr, /A password needs at least 12 characters\./);
  // The token alone on stdout, so a script can capture it.
  assert.match(created.stdout, /^dpk_[A-Za-z0-9_-]{43}\n$/);
  assert.match(created.stderr, /shown once/);
  assert.match((await ok(dataA, ["token", "revoke", "--name", "ci-deploy"])).stdout, /Revoked token ci-deploy\./);
});

test("roles: admin create --role, set-role, token create --role/--scope --expires", async () => {
  await ok(dataA, ["admin", "create", "--username", "olga", "--role", "operator", "--password-stdin"], `${PASSWORD}\n`);
  const bad = await dockpki(
    dataA,
    ["admin", "create", "--username", "x", "--role", "root", "--password-stdin"],
    PASSWORD,
  );
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /Choose one of admin, operator, auditor\./);
  assert.match(
    (await ok(dataA, ["admin", "set-role", "--username", "olga", "--role", "auditor"])).stdout,
    /olga is now auditor\./,
  );
  assert.match((await ok(dataA, ["admin", "list"])).stdout, /^olga {2}auditor$/m);
  const made = await ok(dataA, ["token", "create", "--name", "ci-ops", "--role", "operator", "--expires", "30d"]);
  assert.match(made.stderr, /\(operator, until \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
  assert.match((await ok(dataA, ["token", "list"])).stdout, /ci-ops {2}operator {2}\(expires /);
  const taken = await dockpki(dataA, ["token", "create", "--name", "ci-ops"]);
  assert.equal(taken.status, 1);
  assert.match(taken.stderr, /A token called ci-ops exists/);
  const late = await dockpki(dataA, ["token", "create", "--name", "y", "--expires", "soon"]);
  assert.match(late.stderr, /30d, 12h, 2w/);
});

test("issue host and client by name, with --out bundles (0600) of the printed certificate", async () => {
  const csr = path.join(work, "laptop.csr");
  const openssl = spawnSync("openssl", [
    "req",
    "-new",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    `${csr}.key`,
    "-out",
    csr,
    "-subj",
    "/CN=laptop",
  ]);
  assert.equal(openssl.status, 0, String(openssl.stderr));
  const [host, client, unknown] = await Promise.all([
    ok(dataA, ["issue", "host", "docker1", "--days", "30", "--out", "docker1.zip"]),
    ok(dataA, ["issue", "client", "laptop", "--csr", "laptop.csr", "--out", "laptop.zip"]),
    dockpki(dataA, ["issue", "host", "nope"]),
  ]);

  const hostZip = path.join(work, "docker1.zip");
  assert.match(host.stdout, new RegExp(`bundle:\\s+${hostZip}`));
  assert.equal(statSync(hostZip).mode & 0o777, 0o600);
  const server = await unzip(readFileSync(hostZip));
  const cert = new X509Certificate(server.get("docker1/cert.pem")?.content as string);
  assert.equal(cert.serialNumber.toLowerCase(), printed(host.stdout, "serial"));
  assert.equal(new Date(printed(host.stdout, "notAfter") as string).getTime(), new Date(cert.validTo).getTime());
  assert.ok(cert.checkHost("docker1.example.com"));
  assert.equal(server.get("docker1/key.pem")?.mode, 0o600);

  const fromCsr = await unzip(readFileSync(path.join(work, "laptop.zip")));
  assert.equal(serialOf(fromCsr.get("laptop/cert.pem")?.content as string), printed(client.stdout, "serial"));
  assert.equal(fromCsr.has("laptop/key.pem"), false, "the CSR's key never reached dockpki");

  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /There is no host called nope\./);

  // --host points the client bundle's env.sh at one host; a wrong one is refused before issuing.
  const [pointed, noSuchHost, misplaced] = await Promise.all([
    ok(dataA, ["issue", "client", "laptop", "--out", "laptop-docker1.zip", "--host", "docker1"]),
    dockpki(dataA, ["issue", "client", "laptop", "--out", "laptop-nope.zip", "--host", "nope"]),
    dockpki(dataA, ["issue", "host", "docker1", "--host", "docker1"]),
  ]);
  assert.match(pointed.stdout, /bundle:\s+\S*laptop-docker1\.zip/);
  const env = (await unzip(readFileSync(path.join(work, "laptop-docker1.zip")))).get("laptop/env.sh")?.content;
  assert.match(env ?? "", /DOCKER_HOST='?tcp:\/\/docker1\.example\.com:2376'?/);
  assert.equal(noSuchHost.status, 1);
  assert.match(noSuchHost.stderr, /There is no host called nope\./);
  assert.doesNotMatch(noSuchHost.stdout, /Issued/);
  assert.equal(existsSync(path.join(work, "laptop-nope.zip")), false);
  assert.equal(misplaced.status, 2);
  assert.match(misplaced.stderr, /--host picks the host of a client bundle's env\.sh/);
});

test("backup, then restore: refusals change nothing, a good restore brings everything back", async (t) => {
  const [full, withoutKey] = await Promise.all([
    ok(dataA, ["backup", "full.zip"]),
    ok(dataA, ["backup", "--without-key", "nokey.zip"]),
  ]);
  assert.match(full.stderr, /holds the master key/);
  assert.match(withoutKey.stderr, /not in this backup/);
  const fullZip = readFileSync(path.join(work, "full.zip"));
  assert.equal(statSync(path.join(work, "full.zip")).mode & 0o777, 0o600);
  const entries = await zipBytes(fullZip);
  const manifest = JSON.parse(String(entries.get("manifest.json")));
  assert.equal(manifest.format, "dockpki-backup");
  assert.ok(manifest.migrations.length > 0);
  for (const name of ["dockpki.db", "master.key"]) {
    assert.equal(
      manifest.files[name].sha256,
      createHash("sha256")
        .update(entries.get(name) as Buffer)
        .digest("hex"),
    );
  }
  assert.deepEqual(entries.get("master.key"), readFileSync(path.join(dataA, "master.key")));
  assert.equal((await unzip(fullZip)).get("master.key")?.mode, 0o600);
  assert.equal((await zipBytes(readFileSync(path.join(work, "nokey.zip")))).has("master.key"), false);

  // Same database and key, but one byte of the database changed.
  const db = Buffer.from(entries.get("dockpki.db") as Buffer);
  db[db.length - 100] ^= 0xff;
  const tampered = new ZipArchive({ zlib: { level: 9 } });
  tampered.append(entries.get("manifest.json") as Buffer, { name: "manifest.json" });
  tampered.append(db, { name: "dockpki.db" });
  tampered.append(entries.get("master.key") as Buffer, { name: "master.key" });
  tampered.finalize();
  writeFileSync(path.join(work, "tampered.zip"), await collect(tampered));
  // A data dir with a key of its own.
  const other = path.join(root, "other");
  mkdirSync(other);
  writeFileSync(path.join(other, "master.key"), `${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });

  await t.test("refusals", async () => {
    const [before, beforeOther] = [snapshot(dataA), snapshot(other)];
    const [exists, damaged, notBackup, wrongKey] = await Promise.all([
      dockpki(dataA, ["backup", "full.zip"]),
      dockpki(dataA, ["restore", "tampered.zip", "--force"]),
      dockpki(path.join(root, "empty"), ["restore", "docker1.zip"]),
      dockpki(other, ["restore", "nokey.zip"]),
    ]);
    assert.equal(exists.status, 1);
    assert.match(exists.stderr, /already exists\. Choose another name, or add --force/);
    assert.equal(damaged.status, 1);
    assert.match(damaged.stderr, /dockpki\.db does not match the checksum in its manifest\. Nothing was changed\./);
    assert.equal(notBackup.status, 1);
    assert.match(notBackup.stderr, /docker1\.zip is not a dockpki backup/);
    assert.equal(existsSync(path.join(root, "empty")), false);
    assert.equal(wrongKey.status, 1);
    assert.match(wrongKey.stderr, /The key file .* does not match the backup's database.*Nothing was changed/);
    assert.deepEqual(snapshot(dataA), before);
    assert.deepEqual(snapshot(other), beforeOther);
    assert.deepEqual(readFileSync(path.join(work, "full.zip")), fullZip);
  });

  await t.test("into a wiped data dir: same admins, and the CA key still signs", async () => {
    const key = readFileSync(path.join(dataA, "master.key"));
    rmSync(dataA, { recursive: true });
    assert.match((await ok(dataA, ["restore", "full.zip"])).stdout, /Restored .*full\.zip/);
    assert.deepEqual(readFileSync(path.join(dataA, "master.key")), key);
    assert.equal(statSync(path.join(dataA, "master.key")).mode & 0o777, 0o600);
    const [again] = await Promise.all([
      dockpki(dataA, ["restore", "full.zip"]),
      ok(dataA, ["admin", "reset-password", "--username", "alice", "--password-stdin"], PASSWORD),
      ok(dataA, ["issue", "client", "laptop", "--out", "laptop-after.zip"]),
    ]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already has a database\. Stop the dashboard first/);
    const bundle = await unzip(readFileSync(path.join(work, "laptop-after.zip")));
    assert.match(bundle.get("laptop/key.pem")?.content ?? "", /BEGIN (RSA )?PRIVATE KEY/);
  });
});

test("ca rotate and ca retire: retirement is refused while certificates depend on the old CA", async () => {
  // one after the other: a fast rotation could otherwise be stored before the retire looks
  const noRotation = await dockpki(dataA, ["ca", "retire"]);
  const rotated = await ok(dataA, ["ca", "rotate", "--cn", "CLI Rotated CA", "--key-size", "2048"]);
  assert.equal(noRotation.status, 1);
  assert.match(noRotation.stderr, /No rotation is under way/);
  assert.match(rotated.stdout, /It issues from now on; bundles carry both CAs until the old one is retired/);
  const refused = await dockpki(dataA, ["ca", "retire"]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /valid certificates? still depends? on this CA/);
  await Promise.all([
    ok(dataA, ["issue", "host", "docker1", "--out", "docker1-new.zip"]),
    ok(dataA, ["issue", "client", "laptop", "--out", "laptop-new.zip", "--host", "docker1"]),
  ]);
  // docker1's bundle, downloaded just now, still carries the old CA beside the new one.
  const retired = await ok(dataA, ["ca", "retire"]);
  assert.match(retired.stdout, /Retired CLI Test CA: bundles no longer carry it\./);
  assert.match(retired.stdout, /1 host\(s\) still trust it/);
  const [again, second] = await Promise.all([
    dockpki(dataA, ["ca", "retire"]),
    dockpki(dataA, ["ca", "rotate", "--cn", ""]),
  ]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /No rotation is under way/);
  assert.equal(second.status, 1);
});

test("enroll prints a one-time command, once the dashboard's public URL is set", async () => {
  const refused = await dockpki(dataA, ["enroll", "host", "docker1"]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /public URL/);
  assert.equal((await dockpki(dataA, ["enroll", "router", "x"])).status, 2);
  assert.equal((await dockpki(dataA, ["enroll", "host", "nobody"])).status, 1);

  process.env.DOCKPKI_DATA_DIR = dataA;
  const { saveSettings, getSettings } = await import("@/lib/settings");
  const { db } = await import("@/lib/db");
  await saveSettings({ kind: "cli" }, { ...(await getSettings()), publicUrl: "https://pki.example.com" });
  await db.$disconnect();

  const host = await ok(dataA, ["enroll", "host", "docker1"]);
  assert.match(host.stdout, /^curl -fsSL 'https:\/\/pki\.example\.com\/enroll\/[A-Za-z0-9_-]{43}' \| sudo sh\n$/);
  assert.match(host.stderr, /Works once, until .* as root/);
  const client = await ok(dataA, ["enroll", "client", "LAPTOP"]);
  assert.match(client.stdout, /\| sh\n$/);
});

test("token create --scope metrics makes a token that only /metrics takes; a bad scope is refused", async () => {
  const made = await ok(dataA, ["token", "create", "--name", "prometheus", "--scope", "metrics"]);
  assert.match(made.stdout, /^dpk_[A-Za-z0-9_-]{43}\n$/);
  const listed = await ok(dataA, ["token", "list"]);
  assert.match(listed.stdout, /prometheus {2}metrics/);
  const bad = await dockpki(dataA, ["token", "create", "--name", "x", "--scope", "root"]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /Choose one of admin, operator, auditor, read, issue, metrics\./);
});

test("probe reports what a host's daemon serves; alerts run checks now", async () => {
  // Nothing listens on the port; the fixture hosts' 10.x addresses must not even be tried.
  process.env.DOCKPKI_PROBE_LOOPBACK_ONLY = "1";
  process.env.DOCKPKI_DATA_DIR = dataA;
  const { createHost } = await import("@/lib/inventory/hosts");
  const { hostCreateSchema } = await import("@/lib/inventory/hosts.schema");
  const { db } = await import("@/lib/db");
  const { freePort } = await import("@/lib/test-support/docker-sandbox");
  const port = await freePort();
  await createHost({ kind: "cli" }, hostCreateSchema.parse({ name: "probe-me", ipAddresses: ["127.0.0.1"], port }));
  await db.$disconnect();
  const probed = await dockpki(dataA, ["probe", "probe-me"]);
  assert.equal(probed.status, 1, probed.stdout + probed.stderr);
  assert.match(probed.stdout, new RegExp(`127\\.0\\.0\\.1:${port} .*connection refused`));
  assert.match(probed.stdout, /^unreachable: /m);
  assert.equal((await dockpki(dataA, ["probe"])).status, 2);
  assert.equal((await dockpki(dataA, ["probe", "nobody"])).status, 1);

  const run = await ok(dataA, ["alerts", "run"]);
  assert.match(run.stdout, /nothing new to send/);
  assert.equal((await dockpki(dataA, ["alerts", "send"])).status, 2);
  delete process.env.DOCKPKI_PROBE_LOOPBACK_ONLY;
});

test("issue --p12 writes a .p12 (0600) that OpenSSL opens with the passphrase printed once, or the one piped in", async () => {
  const made = await ok(dataA, ["issue", "host", "docker1", "--p12", "docker1.p12"]);
  const passphrase = made.stdout.match(/^passphrase: ([a-z2-9]{20})$/m)?.[1];
  assert.ok(passphrase, made.stdout);
  const file = path.join(work, "docker1.p12");
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const opened = spawnSync("openssl", ["pkcs12", "-in", file, "-passin", `pass:${passphrase}`, "-noenc"], {
    encoding: "utf8",
  });
  assert.equal(opened.status, 0, opened.stderr);
  const serial = made.stdout.match(/^serial: +([0-9a-f]+)$/m)?.[1] ?? "";
  const certSerial = execFileSync("openssl", ["x509", "-noout", "-serial"], { input: opened.stdout }).toString();
  assert.equal(certSerial.trim().toLowerCase(), `serial=${serial}`);

  const chosen = await ok(
    dataA,
    ["issue", "client", "LAPTOP", "--p12", "laptop.p12", "--passphrase-stdin"],
    "a chosen passphrase\n",
  );
  assert.doesNotMatch(chosen.stdout, /passphrase:/);
  const mine = spawnSync("openssl", [
    "pkcs12",
    "-in",
    path.join(work, "laptop.p12"),
    "-passin",
    "pass:a chosen passphrase",
    "-noenc",
  ]);
  assert.equal(mine.status, 0);

  const short = await dockpki(dataA, ["issue", "client", "LAPTOP", "--p12", "x.p12", "--passphrase-stdin"], "short\n");
  assert.equal(short.status, 1);
  assert.match(short.stderr, /at least 12 characters/);
  assert.equal((await dockpki(dataA, ["issue", "client", "LAPTOP", "--csr", "x.csr", "--p12", "x.p12"])).status, 2);
  assert.equal(existsSync(path.join(work, "x.p12")), false);
});
