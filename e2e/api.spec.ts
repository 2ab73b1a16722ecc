import { execFileSync } from "node:child_process";
import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type APIRequestContext, type APIResponse, expect, type Page, test } from "@playwright/test";
import { unzip, type ZipEntry } from "../lib/test-support/zip";
import { confirmDialog } from "./helpers-dialog";

// The JSON API as automation sees it: a bearer token made in Settings, no session cookie. The
// "api" project runs this file after the dashboard specs, so a CA normally exists already.
test.describe.configure({ mode: "serial" });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";
const TOKEN_NAME = "api-e2e";

let api: APIRequestContext;
let anon: APIRequestContext;
const ids: Record<string, string> = {};
const certs: Record<string, Cert> = {};

interface Cert {
  id: string;
  kind: string;
  hostId: string | null;
  clientId: string | null;
  commonName: string;
  serial: string;
  dnsNames: string[];
  ipAddresses: string[];
  extKeyUsage: string[];
  keySize: number;
  notBefore: string;
  notAfter: string;
  status: string;
  certPem: string;
  bundleUrl: string;
  issuedBy: string;
}

// Playwright applies the project's storageState to request contexts too, so "no cookies" has to
// be said explicitly.
const NO_SESSION = { cookies: [], origins: [] };

async function createToken(page: Page, name: string): Promise<string> {
  await page.goto("/settings");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())?.trim() ?? "";
  expect(token).toMatch(/^dpk_[A-Za-z0-9_-]{43}$/);
  return token;
}

/** Asserts the error shape of the API contract; returns the field errors. */
async function expectError(res: APIResponse, status: number, fields: string[] = []) {
  expect(res.status(), await res.text()).toBe(status);
  expect(res.headers()["content-type"]).toContain("application/json");
  const body = await res.json();
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(0);
  const fieldErrors: Record<string, string[]> = body.error.fieldErrors ?? {};
  for (const field of fields) {
    expect(fieldErrors[field], `fieldErrors.${field} in ${JSON.stringify(body)}`).toEqual(
      expect.arrayContaining([expect.any(String)]),
    );
  }
  return { message: body.error.message as string, fieldErrors };
}

async function total(url: string): Promise<number> {
  const res = await api.get(url);
  expect(res.status()).toBe(200);
  return (await res.json()).total;
}

/** A request body sent byte for byte (Playwright would JSON-encode a string `data`). */
function raw(text: string) {
  return { data: Buffer.from(text), headers: { "Content-Type": "application/json" } };
}

function noKeyMaterial(text: string) {
  expect(text).not.toContain("PRIVATE KEY");
  expect(text).not.toMatch(/keySealed|keyPem|privateKey/);
}

function openssl(dir: string, ...args: string[]) {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
}

function makeCsr(bits: number, cn: string) {
  const dir = mkdtempSync(path.join(tmpdir(), "dockpki-e2e-csr-"));
  openssl(dir, ...`req -new -newkey rsa:${bits} -nodes -keyout k.pem -subj /CN=${cn} -out req.pem`.split(" "));
  return {
    csrPem: readFileSync(path.join(dir, "req.pem"), "utf8"),
    keyPem: readFileSync(path.join(dir, "k.pem"), "utf8"),
  };
}

/** The same CSR with one bit of its signature (the last bytes of the DER) flipped. */
function tamper(csrPem: string): string {
  const der = Buffer.from(csrPem.replace(/-----[A-Z ]+-----|\s/g, ""), "base64");
  der[der.length - 1] ^= 0x01;
  const b64 = der.toString("base64").replace(/.{64}/g, "$&\n");
  return `-----BEGIN CERTIFICATE REQUEST-----\n${b64.trim()}\n-----END CERTIFICATE REQUEST-----\n`;
}

/** The public key as SPKI PEM, from a public KeyObject or a private key PEM. */
function spki(key: KeyObject | string) {
  const pub = typeof key !== "string" && key.type === "public" ? key : createPublicKey(key);
  return pub.export({ type: "spki", format: "pem" }).toString();
}

async function activeCa() {
  const res = await api.get("/api/v1/ca");
  expect(res.status()).toBe(200);
  return res.json();
}

async function download(url: string) {
  const res = await api.get(url);
  expect(res.status(), res.ok() ? "" : await res.text()).toBe(200);
  expect(res.headers()["content-type"]).toBe("application/zip");
  return { res, entries: await unzip(await res.body()) };
}

function file(entries: Map<string, ZipEntry>, name: string): ZipEntry {
  const entry = entries.get(name);
  expect(entry, `${name} in the zip`).toBeDefined();
  return entry as ZipEntry;
}

test.afterAll(async () => {
  await api?.dispose();
  await anon?.dispose();
});

test("an admin creates a token in Settings; it opens the API without a session", async ({
  page,
  playwright,
  baseURL,
}) => {
  const token = await createToken(page, TOKEN_NAME);
  api = await playwright.request.newContext({
    baseURL,
    storageState: NO_SESSION,
    extraHTTPHeaders: { Authorization: `Bearer ${token}` },
  });
  anon = await playwright.request.newContext({ baseURL, storageState: NO_SESSION });
  expect((await api.storageState()).cookies).toEqual([]);
  expect((await anon.storageState()).cookies).toEqual([]);
  const res = await api.get("/api/v1/hosts");
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ page: 1, pageSize: 50, hosts: expect.any(Array) });
  await page.goto("/settings");
  await expect(
    page.getByRole("row").filter({ has: page.getByRole("cell", { name: TOKEN_NAME, exact: true }) }),
  ).toContainText(token.slice(0, 10));
});

test("401 without a header, with a malformed one, or with an unknown token", async () => {
  const bad = [
    undefined,
    "",
    "Bearer",
    "Bearer not-a-token",
    `Basic ${Buffer.from("admin:correct horse battery staple").toString("base64")}`,
    `Bearer dpk_${"A".repeat(42)}`,
    `Bearer dpk_${"A".repeat(43)}`,
  ];
  for (const header of bad) {
    const headers = header === undefined ? undefined : { Authorization: header };
    for (const url of ["/api/v1/hosts", "/api/v1/ca", "/api/v1/ca.pem", "/api/v1/certificates", "/api/v1/audit.json"]) {
      await test.step(`${header ?? "no header"} ${url}`, async () => {
        const { message } = await expectError(await anon.get(url, { headers }), 401);
        if (header?.startsWith(`Bearer dpk_${"A".repeat(43)}`)) expect(message).toMatch(/unknown or revoked/);
      });
    }
  }
  // A refused caller changes nothing either.
  const before = await total("/api/v1/hosts");
  await expectError(await anon.post("/api/v1/hosts", { data: { name: "api-anon", ipAddresses: ["10.9.9.9"] } }), 401);
  expect(await total("/api/v1/hosts")).toBe(before);
});

test("a token revoked in Settings gets 401", async ({ page, playwright, baseURL }) => {
  const name = "api-e2e-doomed";
  const token = await createToken(page, name);
  const doomed = await playwright.request.newContext({
    baseURL,
    storageState: NO_SESSION,
    extraHTTPHeaders: { Authorization: `Bearer ${token}` },
  });
  expect((await doomed.get("/api/v1/clients")).status()).toBe(200);

  await page.goto("/settings");
  const row = page.getByRole("row").filter({ has: page.getByRole("cell", { name, exact: true }) });
  await row.getByRole("button", { name: "Revoke" }).click();
  await confirmDialog(page, "Revoke");
  await expect(row.getByText("revoked", { exact: true })).toBeVisible();

  const { message } = await expectError(await doomed.get("/api/v1/clients"), 401);
  expect(message).toMatch(/unknown or revoked/);
  // The other token still works.
  expect((await api.get("/api/v1/clients")).status()).toBe(200);
  await doomed.dispose();
});

test("CA: validation, creation when there is none, 409 when there is one, no key anywhere", async () => {
  const before = await api.get("/api/v1/ca");
  const hadCa = before.status() === 200;
  if (!hadCa) {
    // Only when this file runs on its own: the dashboard specs leave a CA otherwise.
    const { message } = await expectError(before, 404);
    expect(message).toMatch(/no certificate authority/i);
    await expectError(await api.get("/api/v1/ca.pem"), 404);
  }
  const snapshot = hadCa ? await before.text() : null;

  // Bad input is a 400 whether or not a CA exists, and changes nothing.
  const bad: [unknown, string[]][] = [
    [{ commonName: "" }, ["commonName"]],
    [{ commonName: "   " }, ["commonName"]],
    [{ commonName: "x".repeat(65) }, ["commonName"]],
    [{ commonName: "a\nb" }, ["commonName"]],
    [{ commonName: "ok", keySize: 1024 }, ["keySize"]],
    [{ commonName: "ok", keyType: "ed25519" }, ["keyType"]],
    [{ commonName: "ok", keyType: "ecdsa-p256", keySize: 2048 }, ["keySize"]],
    [{ commonName: "ok", days: 0 }, ["days"]],
    [{ commonName: "ok", days: 100000 }, ["days"]],
    [{ commonName: "ok", days: 1.5 }, ["days"]],
    [{}, ["commonName"]],
  ];
  for (const [data, fields] of bad) {
    await expectError(await api.post("/api/v1/ca", { data }), 400, fields);
  }
  const notJson = await expectError(await api.post("/api/v1/ca", raw("commonName=x")), 400);
  expect(notJson.message).toBe("The request body must be JSON.");
  const after = await api.get("/api/v1/ca");
  if (hadCa) expect(await after.text()).toBe(snapshot);
  else expect(after.status()).toBe(404);

  if (!hadCa) {
    const created = await api.post("/api/v1/ca", { data: { commonName: "api Docker CA", keySize: 2048, days: 3650 } });
    expect(created.status(), await created.text()).toBe(201);
    expect(await created.json()).toMatchObject({
      commonName: "api Docker CA",
      keyType: "rsa",
      keySize: 2048,
      status: "active",
      imported: false,
    });
  }

  const caRes = await api.get("/api/v1/ca");
  expect(caRes.status()).toBe(200);
  const caText = await caRes.text();
  noKeyMaterial(caText);
  const ca = JSON.parse(caText);
  expect(ca).toMatchObject({
    id: expect.stringMatching(UUID),
    status: "active",
    commonName: expect.any(String),
    serial: expect.stringMatching(/^[0-9a-f]+$/),
    fingerprintSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    keyType: expect.stringMatching(/^(ecdsa-p256|ecdsa-p384|rsa)$/),
    keySize: expect.any(Number),
    certPem: expect.stringContaining("-----BEGIN CERTIFICATE-----"),
  });
  const x509 = new X509Certificate(ca.certPem);
  expect(x509.ca).toBe(true);
  expect(x509.fingerprint256.replaceAll(":", "").toLowerCase()).toBe(ca.fingerprintSha256);
  expect(new Date(ca.notAfter).getTime()).toBe(new Date(x509.validTo).getTime());

  const again = await expectError(
    await api.post("/api/v1/ca", { data: { commonName: "second CA", keySize: 2048 } }),
    409,
  );
  expect(again.message).toMatch(/already exists/);
  expect(await (await api.get("/api/v1/ca")).text()).toBe(caText);

  const pem = await api.get("/api/v1/ca.pem");
  expect(pem.status()).toBe(200);
  expect(pem.headers()["content-disposition"]).toBe('attachment; filename="ca.pem"');
  const pemText = await pem.text();
  expect(pemText.startsWith("-----BEGIN CERTIFICATE-----")).toBe(true);
  expect(pemText).toContain(ca.certPem.trim());
  expect(pemText).not.toContain("PRIVATE KEY");

  const crl = await api.get("/api/v1/crl.pem");
  expect(crl.status()).toBe(200);
  const crlText = await crl.text();
  expect(crlText).toContain("-----BEGIN X509 CRL-----");
  const crlDir = mkdtempSync(path.join(tmpdir(), "dockpki-e2e-crl-"));
  writeFileSync(path.join(crlDir, "crl.pem"), crlText);
  writeFileSync(path.join(crlDir, "ca.pem"), ca.certPem);
  // openssl checks the CRL's signature against the CA.
  openssl(crlDir, "crl", "-in", "crl.pem", "-CAfile", "ca.pem", "-noout");
});

test("a browser session opens downloads but not the JSON API", async ({ page }) => {
  await expectError(await page.request.get("/api/v1/hosts"), 401);
  const pem = await page.request.get("/api/v1/ca.pem");
  expect(pem.status()).toBe(200);
  expect(await pem.text()).toContain("-----BEGIN CERTIFICATE-----");
  await expectError(await page.request.post("/api/v1/clients", { data: { name: "api-by-cookie" } }), 401);
  // A link on another site may not download a bundle with the session (the download is recorded):
  // lib/auth/session-origin.ts. What records nothing (ca.pem) takes a link from anywhere.
  for (const site of ["same-origin", "none", "cross-site"]) {
    expect((await page.request.get("/api/v1/ca.pem", { headers: { "sec-fetch-site": site } })).status()).toBe(200);
  }
  const bundle = `/api/v1/certificates/${crypto.randomUUID()}/bundle.zip`;
  for (const site of ["same-origin", "none"]) {
    await expectError(await page.request.get(bundle, { headers: { "sec-fetch-site": site } }), 404);
  }
  const elsewhere = await page.request.get(bundle, { headers: { "sec-fetch-site": "cross-site" } });
  expect((await expectError(elsewhere, 401)).message).toMatch(/start the download on the dashboard's page\.$/);
  const search = await api.get("/api/v1/clients?q=api-by-cookie");
  expect((await search.json()).total).toBe(0);
});

test("CA import: bad bodies are 400, a well-formed import is 409 while a CA exists", async () => {
  const caBefore = await (await api.get("/api/v1/ca")).text();
  const notJson = await expectError(await api.post("/api/v1/ca/import", raw("{certPem:")), 400);
  expect(notJson.message).toBe("The request body must be JSON.");
  await expectError(await api.post("/api/v1/ca/import", { data: {} }), 400, ["certPem", "keyPem"]);
  await expectError(await api.post("/api/v1/ca/import", { data: { certPem: "x", keyPem: "" } }), 400, ["keyPem"]);
  await expectError(await api.post("/api/v1/ca/import", { data: { certPem: "x".repeat(70_000), keyPem: "y" } }), 400, [
    "certPem",
  ]);

  const dir = mkdtempSync(path.join(tmpdir(), "dockpki-e2e-ca-"));
  const subject = "-subj /CN=api-import-CA -days 30 -addext basicConstraints=critical,CA:TRUE";
  openssl(
    dir,
    ...`req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem ${subject}`.split(" "),
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  );
  const data = {
    certPem: readFileSync(path.join(dir, "ca.pem"), "utf8"),
    keyPem: readFileSync(path.join(dir, "ca-key.pem"), "utf8"),
  };
  const { message } = await expectError(await api.post("/api/v1/ca/import", { data }), 409);
  expect(message).not.toContain("PRIVATE KEY");
  expect(await (await api.get("/api/v1/ca")).text()).toBe(caBefore);
});

const hostA = {
  name: "api-host-a",
  dnsNames: ["api-a.example.com", "API-A2.Example.COM"],
  ipAddresses: ["10.20.30.40", "2001:DB8:0:0::1"],
  port: 2377,
  configStyle: "daemon-json",
  role: "swarm-manager",
  labels: "e2e api",
  notes: "made by api.spec.ts",
};

test("hosts: create, 409 on a taken name, normalised names and addresses", async () => {
  const before = await total("/api/v1/hosts");
  const res = await api.post("/api/v1/hosts", { data: hostA });
  expect(res.status(), await res.text()).toBe(201);
  const host = await res.json();
  expect(host).toMatchObject({
    id: expect.stringMatching(UUID),
    name: "api-host-a",
    dnsNames: ["api-a.example.com", "api-a2.example.com"],
    ipAddresses: ["10.20.30.40", "2001:db8::1"],
    port: 2377,
    configStyle: "daemon-json",
    keepUnixSocket: true,
    localAccess: false,
    tlsMode: "mtls",
    role: "swarm-manager",
    labels: "e2e api",
  });
  ids.hostA = host.id;
  expect(await total("/api/v1/hosts")).toBe(before + 1);

  const dup = await expectError(
    await api.post("/api/v1/hosts", { data: { ...hostA, ipAddresses: ["10.1.1.1"] } }),
    409,
  );
  expect(dup.message).toContain("api-host-a");
  expect(await total("/api/v1/hosts")).toBe(before + 1);

  for (const [name, extra] of [
    ["api-host-b", { dnsNames: ["api-b.example.com"], ipAddresses: ["10.20.30.50"] }],
    ["api-host-c", { ipAddresses: ["10.20.30.60"], configStyle: "systemd" }],
  ] as const) {
    const r = await api.post("/api/v1/hosts", { data: { name, ...extra } });
    expect(r.status(), await r.text()).toBe(201);
    const h = await r.json();
    expect(h).toMatchObject({ port: 2376, configStyle: "systemd", role: "standalone", tlsMode: "mtls" });
    ids[name] = h.id;
  }
});

test("hosts: every kind of bad input is a 400 on its field and stores nothing", async () => {
  const good = { name: "api-host-bad", dnsNames: ["ok.example.com"], ipAddresses: ["10.0.0.1"] };
  const cases: [string, unknown, string][] = [
    ["IPv4 out of range", { ...good, ipAddresses: ["999.1.1.1"] }, "ipAddresses"],
    ["IPv4 with a leading zero", { ...good, ipAddresses: ["10.0.0.01"] }, "ipAddresses"],
    ["the any address", { ...good, ipAddresses: ["0.0.0.0"] }, "ipAddresses"],
    ["an IPv6 zone id", { ...good, ipAddresses: ["fe80::1%eth0"] }, "ipAddresses"],
    ["a label starting and ending with '-'", { ...good, dnsNames: ["-bad-.example"] }, "dnsNames"],
    ["an empty label", { ...good, dnsNames: ["a..b"] }, "dnsNames"],
    ["a newline inside a DNS name", { ...good, dnsNames: ["good.example.com\nevil.example.com"] }, "dnsNames"],
    ["a shell command as a DNS name", { ...good, dnsNames: ["$(reboot).example.com"] }, "dnsNames"],
    ["a shell command as a name", { ...good, name: 'x"; rm -rf /' }, "name"],
    ["a newline in the name", { ...good, name: "api\nhost" }, "name"],
    ["an empty name", { ...good, name: "" }, "name"],
    ["a missing name", { dnsNames: good.dnsNames }, "name"],
    ["a 65-character name", { ...good, name: "a".repeat(65) }, "name"],
    ["port 2375", { ...good, port: 2375 }, "port"],
    ["port 0", { ...good, port: 0 }, "port"],
    ["port 65536", { ...good, port: 65536 }, "port"],
    ["a port that is text", { ...good, port: "2376; reboot" }, "port"],
    ["no DNS name and no IP", { ...good, dnsNames: [], ipAddresses: [] }, "dnsNames"],
    ["only a wildcard", { ...good, dnsNames: ["*.example.com"], ipAddresses: [] }, "dnsNames"],
    ["an unknown config style", { ...good, configStyle: "bogus" }, "configStyle"],
    ["an unknown TLS mode", { ...good, tlsMode: "none" }, "tlsMode"],
    ["an unknown role", { ...good, role: "boss" }, "role"],
    ["keepUnixSocket as text", { ...good, keepUnixSocket: "yes" }, "keepUnixSocket"],
    ["localAccess as text", { ...good, localAccess: "true" }, "localAccess"],
    ["dnsNames as a string", { ...good, dnsNames: "ok.example.com" }, "dnsNames"],
  ];
  const before = await total("/api/v1/hosts");
  for (const [what, data, field] of cases) {
    await test.step(what, async () => {
      await expectError(await api.post("/api/v1/hosts", { data }), 400, [field]);
      expect(await total("/api/v1/hosts")).toBe(before);
    });
  }
  const { fieldErrors } = await expectError(await api.post("/api/v1/hosts", { data: cases[0][1] }), 400);
  expect(fieldErrors.ipAddresses).toEqual([expect.stringContaining("999.1.1.1 is not a valid IPv4 or IPv6 address")]);
  for (const body of ["not json", '{"name": ', ""]) {
    await test.step(`body ${JSON.stringify(body)}`, async () => {
      const res = await api.post("/api/v1/hosts", raw(body));
      // An empty body means "no fields", so it fails on the missing name instead.
      if (body === "") await expectError(res, 400, ["name"]);
      else expect((await expectError(res, 400)).message).toBe("The request body must be JSON.");
      expect(await total("/api/v1/hosts")).toBe(before);
    });
  }
  for (const data of [null, [], "just a string", 42]) {
    await expectError(await api.post("/api/v1/hosts", raw(JSON.stringify(data))), 400);
  }
  expect(await total("/api/v1/hosts")).toBe(before);
  expect(await total("/api/v1/hosts?q=api-host-bad")).toBe(0);
});

test("hosts: list with search, filter and pages; get one; 404s", async () => {
  const byName = await (await api.get("/api/v1/hosts?q=api-host-a")).json();
  expect(byName.total).toBe(1);
  expect(byName.hosts[0]).toMatchObject({ id: ids.hostA, name: "api-host-a", currentCertificateId: null });
  const byIp = await (await api.get(`/api/v1/hosts?q=${encodeURIComponent("2001:db8::1")}`)).json();
  // Other specs' hosts may hold the documentation prefix too (the search matches part of an address):
  // each found host has an address containing the text, this one among them.
  expect(byIp.hosts.map((h: { id: string }) => h.id)).toContain(ids.hostA);
  for (const h of byIp.hosts as { ipAddresses: string[] }[]) {
    expect(h.ipAddresses.some((a) => a.includes("2001:db8::1"))).toBe(true);
  }
  const byDns = await (await api.get("/api/v1/hosts?q=API-A2.EXAMPLE")).json();
  expect(byDns.hosts.map((h: { id: string }) => h.id)).toEqual([ids.hostA]);

  const never = await (await api.get("/api/v1/hosts?filter=never-issued&q=api-host-&pageSize=200")).json();
  expect(never.hosts.map((h: { name: string }) => h.name)).toEqual(["api-host-a", "api-host-b", "api-host-c"]);

  const p2 = await (await api.get("/api/v1/hosts?q=api-host-&page=2&pageSize=1")).json();
  expect(p2).toMatchObject({ total: 3, page: 2, pageSize: 1 });
  expect(p2.hosts.map((h: { name: string }) => h.name)).toEqual(["api-host-b"]);
  const desc = await (await api.get("/api/v1/hosts?q=api-host-&sort=-name")).json();
  expect(desc.hosts.map((h: { name: string }) => h.name)).toEqual(["api-host-c", "api-host-b", "api-host-a"]);

  const one = await api.get(`/api/v1/hosts/${ids.hostA}`);
  expect(one.status()).toBe(200);
  expect(await one.json()).toMatchObject({
    id: ids.hostA,
    name: "api-host-a",
    port: 2377,
    ipAddresses: ["10.20.30.40", "2001:db8::1"],
  });
  await expectError(await api.get(`/api/v1/hosts/${UNKNOWN_ID}`), 404);
  await expectError(await api.get("/api/v1/hosts/not-a-uuid"), 404);
  await expectError(await api.patch(`/api/v1/hosts/${UNKNOWN_ID}`, { data: { port: 2400 } }), 404);
  await expectError(await api.delete(`/api/v1/hosts/${UNKNOWN_ID}`), 404);
});

test("hosts: PATCH changes an address; bad input is 400 and leaves the host as it was", async () => {
  const url = `/api/v1/hosts/${ids["api-host-b"]}`;
  const res = await api.patch(url, { data: { ipAddresses: ["10.20.30.51", "fd00::5"] } });
  expect(res.status(), await res.text()).toBe(200);
  expect((await res.json()).ipAddresses).toEqual(["10.20.30.51", "fd00::5"]);
  const stored = await (await api.get(url)).text();
  expect(JSON.parse(stored).ipAddresses).toEqual(["10.20.30.51", "fd00::5"]);

  await expectError(await api.patch(url, { data: { ipAddresses: ["999.1.1.1"] } }), 400, ["ipAddresses"]);
  await expectError(await api.patch(url, { data: { port: 2375 } }), 400, ["port"]);
  await expectError(await api.patch(url, { data: { name: "bad name" } }), 400, ["name"]);
  await expectError(await api.patch(url, { data: { dnsNames: [], ipAddresses: [] } }), 400, ["dnsNames"]);
  await expectError(await api.patch(url, raw("{")), 400);
  expect(await (await api.get(url)).text()).toBe(stored);
});

test("hosts: DELETE is 204, then 404", async () => {
  const url = `/api/v1/hosts/${ids["api-host-b"]}`;
  const before = await total("/api/v1/hosts");
  const res = await api.delete(url);
  expect(res.status()).toBe(204);
  expect(await res.text()).toBe("");
  await expectError(await api.get(url), 404);
  await expectError(await api.delete(url), 404);
  expect(await total("/api/v1/hosts")).toBe(before - 1);
});

test("clients: create, 409, 400 on each bad field, list, get, PATCH, DELETE", async () => {
  const before = await total("/api/v1/clients");
  const created = await api.post("/api/v1/clients", { data: { name: "api-client", kind: "ci", notes: "deploys" } });
  expect(created.status(), await created.text()).toBe(201);
  const client = await created.json();
  expect(client).toMatchObject({ id: expect.stringMatching(UUID), name: "api-client", kind: "ci", notes: "deploys" });
  ids.client = client.id;
  const plain = await api.post("/api/v1/clients", { data: { name: "api-client-2" } });
  expect(plain.status()).toBe(201);
  expect(await plain.json()).toMatchObject({ kind: "person", notes: "" });
  ids.client2 = (await plain.json()).id;
  const csr = await api.post("/api/v1/clients", { data: { name: "api-csr-client", kind: "service" } });
  expect(csr.status()).toBe(201);
  ids.csrClient = (await csr.json()).id;
  expect(await total("/api/v1/clients")).toBe(before + 3);

  await expectError(await api.post("/api/v1/clients", { data: { name: "api-client" } }), 409);
  const bad: [unknown, string][] = [
    [{ name: "" }, "name"],
    [{ name: 'x"; rm -rf /' }, "name"],
    [{ name: "api\nclient" }, "name"],
    [{ name: "-api" }, "name"],
    [{ name: "a".repeat(65) }, "name"],
    [{ name: "api-client-x", kind: "robot" }, "kind"],
    [{ name: "api-client-x", notes: "n".repeat(2001) }, "notes"],
    [{}, "name"],
  ];
  for (const [data, field] of bad) await expectError(await api.post("/api/v1/clients", { data }), 400, [field]);
  await expectError(await api.post("/api/v1/clients", raw("name=x")), 400);
  expect(await total("/api/v1/clients")).toBe(before + 3);

  const list = await (await api.get("/api/v1/clients?q=api-client&filter=never-issued")).json();
  expect(list.clients.map((c: { name: string }) => c.name)).toEqual(["api-client", "api-client-2"]);
  const p2 = await (await api.get("/api/v1/clients?q=api-client&page=2&pageSize=1")).json();
  expect(p2).toMatchObject({ total: 2, page: 2, pageSize: 1 });
  expect(p2.clients.map((c: { name: string }) => c.name)).toEqual(["api-client-2"]);
  expect(await (await api.get(`/api/v1/clients/${ids.client}`)).json()).toMatchObject({
    name: "api-client",
    kind: "ci",
  });
  await expectError(await api.get(`/api/v1/clients/${UNKNOWN_ID}`), 404);
  await expectError(await api.get("/api/v1/clients/not-a-uuid"), 404);

  const url = `/api/v1/clients/${ids.client2}`;
  const renamed = await api.patch(url, { data: { name: "api-client-renamed" } });
  expect(renamed.status(), await renamed.text()).toBe(200);
  expect((await renamed.json()).name).toBe("api-client-renamed");
  const stored = await (await api.get(url)).text();
  await expectError(await api.patch(url, { data: { name: "api-client" } }), 409);
  await expectError(await api.patch(url, { data: { name: "bad name" } }), 400, ["name"]);
  await expectError(await api.patch(url, { data: { kind: "robot" } }), 400, ["kind"]);
  expect(await (await api.get(url)).text()).toBe(stored);
  await expectError(await api.patch(`/api/v1/clients/${UNKNOWN_ID}`, { data: { notes: "x" } }), 404);

  const del = await api.delete(url);
  expect(del.status()).toBe(204);
  await expectError(await api.get(url), 404);
  await expectError(await api.delete(url), 404);
  expect(await total("/api/v1/clients")).toBe(before + 2);
});

test("issuing a server certificate returns the record, never the key", async () => {
  const ca = await activeCa();
  const host = await (await api.get(`/api/v1/hosts/${ids.hostA}`)).json();
  const res = await api.post(`/api/v1/hosts/${ids.hostA}/certificates`, {
    data: { days: 30 },
    headers: { "Accept-Encoding": "gzip, deflate, br" },
  });
  const text = await res.text();
  expect(res.status(), text).toBe(201);
  // a few KB: sent as it is (gzip would cost more than it saves); a list is still gzipped
  expect(res.headers()["content-encoding"]).toBeUndefined();
  noKeyMaterial(text);
  const cert: Cert = JSON.parse(text);
  expect(cert).toMatchObject({
    id: expect.stringMatching(UUID),
    kind: "server",
    hostId: ids.hostA,
    clientId: null,
    caId: ca.id,
    dnsNames: host.dnsNames,
    ipAddresses: host.ipAddresses,
    extKeyUsage: ["serverAuth", "clientAuth"],
    status: "active",
    issuedBy: `token:${TOKEN_NAME}`,
    bundleUrl: `/api/v1/certificates/${cert.id}/bundle.zip`,
  });
  expect(cert.serial).toMatch(/^[0-9a-f]{32}$/);
  expect(Number.parseInt(cert.serial.slice(0, 2), 16)).toBeLessThan(0x80);
  const backdated = Date.now() - new Date(cert.notBefore).getTime();
  expect(backdated).toBeGreaterThan(60_000);
  expect(backdated).toBeLessThan(15 * 60_000);
  const days = (new Date(cert.notAfter).getTime() - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(29.9);
  expect(days).toBeLessThanOrEqual(30.01);

  const x509 = new X509Certificate(cert.certPem);
  expect(x509.serialNumber.toLowerCase()).toBe(cert.serial);
  expect(x509.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
  expect(x509.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
  for (const dns of host.dnsNames) expect(x509.subjectAltName).toContain(`DNS:${dns}`);
  expect(x509.subjectAltName).toContain("IP Address:10.20.30.40");
  expect(x509.subjectAltName).toMatch(/IP Address:2001:DB8:0:0:0:0:0:1\b/i);
  certs.server30 = cert;

  const one = await api.get(`/api/v1/certificates/${cert.id}`);
  expect(one.status()).toBe(200);
  expect(await one.json()).toMatchObject({ id: cert.id, serial: cert.serial, certPem: cert.certPem });
  const held = await (await api.get(`/api/v1/hosts/${ids.hostA}/certificates`)).json();
  expect(held.certificates.map((c: Cert) => c.id)).toEqual([cert.id]);
  const listedRes = await api.get("/api/v1/hosts?q=api-host-a", { headers: { "Accept-Encoding": "gzip" } });
  expect(listedRes.headers()["content-encoding"]).toBe("gzip");
  const listed = await listedRes.json();
  expect(listed.hosts[0].currentCertificateId).toBe(cert.id);
  expect((await (await api.get("/api/v1/hosts?q=api-host-a&filter=never-issued")).json()).total).toBe(0);

  const c365 = await api.post(`/api/v1/hosts/${ids["api-host-c"]}/certificates`, { data: { days: 365 } });
  expect(c365.status(), await c365.text()).toBe(201);
  certs.server365 = await c365.json();
  expect(certs.server365).toMatchObject({ dnsNames: [], ipAddresses: ["10.20.30.60"], extKeyUsage: ["serverAuth"] });
});

test("issuing picks the key type asked for: ECDSA P-256 by default, P-384 and RSA on request", async () => {
  for (const [data, keyType, keySize, curve] of [
    [{}, "ecdsa-p256", 256, "prime256v1"],
    [{ keyType: "ecdsa-p384" }, "ecdsa-p384", 384, "secp384r1"],
    [{ keyType: "rsa", keySize: 2048 }, "rsa", 2048, null],
  ] as const) {
    const res = await api.post(`/api/v1/clients/${ids.client}/certificates`, { data });
    expect(res.status(), await res.text()).toBe(201);
    const cert: Cert = await res.json();
    expect(cert).toMatchObject({ keyType, keySize });
    const key = new X509Certificate(cert.certPem).publicKey;
    expect(key.asymmetricKeyDetails?.namedCurve ?? null).toBe(curve);
    if (!curve) expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
  }
});

test("issuing refuses bad days, unknown holders and bad CSRs, and stores nothing", async () => {
  const hostCerts = async () =>
    (await (await api.get(`/api/v1/hosts/${ids.hostA}/certificates`)).json()).certificates.length;
  const before = await hostCerts();
  const all = await total("/api/v1/certificates");
  for (const days of [0, 100000, -1, 1.5, "thirty"]) {
    await expectError(await api.post(`/api/v1/hosts/${ids.hostA}/certificates`, { data: { days } }), 400, ["days"]);
    await expectError(await api.post(`/api/v1/clients/${ids.client}/certificates`, { data: { days } }), 400, ["days"]);
  }
  await expectError(await api.post(`/api/v1/hosts/${ids.hostA}/certificates`, raw("days=1")), 400);
  for (const data of [{ keyType: "dsa" }, { keySize: 1024 }, { keyType: "ecdsa-p384", keySize: 4096 }]) {
    await expectError(await api.post(`/api/v1/hosts/${ids.hostA}/certificates`, { data }), 400);
  }
  await expectError(await api.post(`/api/v1/hosts/${UNKNOWN_ID}/certificates`, { data: { days: 30 } }), 404);
  await expectError(await api.post("/api/v1/hosts/not-a-uuid/certificates", { data: { days: 30 } }), 404);
  await expectError(await api.post(`/api/v1/clients/${UNKNOWN_ID}/certificates`, { data: { days: 30 } }), 404);
  await expectError(await api.get(`/api/v1/hosts/${UNKNOWN_ID}/certificates`), 404);

  const url = `/api/v1/clients/${ids.csrClient}/certificates`;
  const { csrPem } = makeCsr(2048, "csr-client");
  const tampered = await expectError(await api.post(url, { data: { csrPem: tamper(csrPem) } }), 400, ["csrPem"]);
  expect(tampered.fieldErrors.csrPem[0]).toMatch(/signature/);
  const weak = await expectError(await api.post(url, { data: { csrPem: makeCsr(1024, "weak").csrPem } }), 400, [
    "csrPem",
  ]);
  expect(weak.fieldErrors.csrPem[0]).toMatch(/2048/);
  await expectError(await api.post(url, { data: { csrPem: "hello" } }), 400, ["csrPem"]);
  await expectError(await api.post(url, { data: { csrPem: "A".repeat(70_000) } }), 400, ["csrPem"]);

  expect(await hostCerts()).toBe(before);
  expect(await total("/api/v1/certificates")).toBe(all);
  expect((await (await api.get(url)).json()).certificates).toEqual([]);
});

test("issuing client certificates, with a server-side key and from a CSR", async () => {
  const ca = new X509Certificate((await activeCa()).certPem);
  const res = await api.post(`/api/v1/clients/${ids.client}/certificates`, { data: { days: 30 } });
  const text = await res.text();
  expect(res.status(), text).toBe(201);
  noKeyMaterial(text);
  const cert: Cert = JSON.parse(text);
  expect(cert).toMatchObject({
    kind: "client",
    clientId: ids.client,
    hostId: null,
    commonName: "api-client",
    dnsNames: [],
    ipAddresses: [],
    extKeyUsage: ["clientAuth"],
  });
  expect(cert.serial).toMatch(/^[0-7][0-9a-f]{31}$/);
  const x509 = new X509Certificate(cert.certPem);
  expect(x509.subject).toContain("CN=api-client");
  expect(x509.checkIssued(ca)).toBe(true);
  certs.client = cert;

  const { csrPem, keyPem } = makeCsr(2048, "csr-client");
  const fromCsr = await api.post(`/api/v1/clients/${ids.csrClient}/certificates`, { data: { csrPem, days: 30 } });
  const csrText = await fromCsr.text();
  expect(fromCsr.status(), csrText).toBe(201);
  noKeyMaterial(csrText);
  const csrCert: Cert = JSON.parse(csrText);
  // The CN is dockpki's client name, not what the CSR asked for; the key is the CSR's.
  expect(csrCert).toMatchObject({ commonName: "api-csr-client", keyType: "rsa", keySize: 2048 });
  const csrX509 = new X509Certificate(csrCert.certPem);
  expect(csrX509.subject).toContain("CN=api-csr-client");
  expect(spki(csrX509.publicKey)).toBe(spki(keyPem));
  expect(csrX509.checkIssued(ca)).toBe(true);
  certs.csr = csrCert;

  // The longest validity allowed is still capped by the CA's own notAfter.
  const long = await api.post("/api/v1/clients", { data: { name: "api-client-long" } });
  expect(long.status()).toBe(201);
  const capped = await api.post(`/api/v1/clients/${(await long.json()).id}/certificates`, { data: { days: 36500 } });
  expect(capped.status(), await capped.text()).toBe(201);
  const caNotAfter = new Date((await activeCa()).notAfter).getTime();
  expect(new Date((await capped.json()).notAfter).getTime()).toBe(caNotAfter);
});

test("certificate lists by status and expiry window; bad filters are 400", async () => {
  const listIds = async (query: string) => {
    const res = await api.get(`/api/v1/certificates?${query}&pageSize=500`);
    expect(res.status(), await res.text()).toBe(200);
    const body = await res.json();
    noKeyMaterial(JSON.stringify(body));
    return { body, ids: body.certificates.map((c: Cert) => c.id) as string[] };
  };
  const active = await listIds("status=active");
  expect(active.ids).toEqual(
    expect.arrayContaining([certs.server30.id, certs.server365.id, certs.client.id, certs.csr.id]),
  );
  for (const c of active.body.certificates) {
    expect(c.status).toBe("active");
    expect(new Date(c.notAfter).getTime()).toBeGreaterThan(Date.now());
  }
  const holder = active.body.certificates.find((c: Cert) => c.id === certs.server30.id);
  expect(holder.holderName).toBe("api-host-a");

  const expiring = await listIds("status=expiring&days=60");
  expect(expiring.ids).toEqual(expect.arrayContaining([certs.server30.id, certs.client.id]));
  expect(expiring.ids).not.toContain(certs.server365.id);
  expect(expiring.body.certificateAuthorities).toEqual(expect.any(Array));
  const soon = await listIds("status=expiring&days=7");
  expect(soon.ids).not.toContain(certs.server30.id);
  const servers = await listIds("status=active&kind=server");
  expect(servers.ids).toContain(certs.server30.id);
  expect(servers.ids).not.toContain(certs.client.id);
  const bySerial = await listIds(`q=${certs.server30.serial.slice(0, 12)}`);
  expect(bySerial.ids).toEqual([certs.server30.id]);

  await expectError(await api.get("/api/v1/certificates?status=bogus"), 400, ["status"]);
  await expectError(await api.get("/api/v1/certificates?days=0"), 400, ["days"]);
  await expectError(await api.get("/api/v1/certificates?status=expiring&days=3651"), 400, ["days"]);
  await expectError(await api.get("/api/v1/certificates?days=soon"), 400, ["days"]);
  await expectError(await api.get("/api/v1/certificates?kind=ca"), 400, ["kind"]);
  await expectError(await api.get(`/api/v1/certificates/${UNKNOWN_ID}`), 404);
  await expectError(await api.get("/api/v1/certificates/not-a-uuid"), 404);
});

test("bundle downloads with the token: server, client with ?host=, CSR client without key.pem", async () => {
  const caPem = (await activeCa()).certPem.trim();
  const server = await download(certs.server30.bundleUrl);
  expect(server.res.headers()["content-disposition"]).toBe('attachment; filename="dockpki-server-api-host-a.zip"');
  expect([...server.entries.keys()].sort()).toEqual(
    ["", "README.txt", "ca.pem", "cert.pem", "custom.conf", "daemon.json", "install.sh", "key.pem"]
      .map((f) => `api-host-a/${f}`)
      .sort(),
  );
  const key = file(server.entries, "api-host-a/key.pem");
  expect(key.mode).toBe(0o600);
  expect(file(server.entries, "api-host-a/cert.pem").mode).toBe(0o644);
  expect(file(server.entries, "api-host-a/cert.pem").content.trim()).toBe(certs.server30.certPem.trim());
  expect(file(server.entries, "api-host-a/ca.pem").content).toContain(caPem);
  expect(spki(createPrivateKey(key.content))).toBe(spki(new X509Certificate(certs.server30.certPem).publicKey));
  const daemon = JSON.parse(file(server.entries, "api-host-a/daemon.json").content);
  expect(daemon).toMatchObject({ tlsverify: true });
  expect(daemon.hosts).toContain("tcp://0.0.0.0:2377");
  expect(file(server.entries, "api-host-a/README.txt").content).toContain("swarm manage");

  const client = await download(`${certs.client.bundleUrl}?host=${ids.hostA}`);
  expect(client.res.headers()["content-disposition"]).toBe('attachment; filename="dockpki-client-api-client.zip"');
  const env = file(client.entries, "api-client/env.sh").content;
  expect(env).toContain("DOCKER_TLS_VERIFY=1");
  expect(env).toMatch(/DOCKER_HOST='?tcp:\/\/api-a\.example\.com:2377/);
  expect(file(client.entries, "api-client/key.pem").mode).toBe(0o600);
  expect(file(client.entries, "api-client/cert.pem").content.trim()).toBe(certs.client.certPem.trim());
  expect(client.entries.has("api-client/env-api-host-a.sh")).toBe(false);

  const noHost = await expectError(await api.get(`${certs.client.bundleUrl}?host=nope`), 400, ["host"]);
  expect(noHost.message).toMatch(/host/);
  await expectError(await api.get(`${certs.client.bundleUrl}?host=${UNKNOWN_ID}`), 404);
  await expectError(await api.get(`/api/v1/certificates/${UNKNOWN_ID}/bundle.zip`), 404);
  await expectError(await api.get("/api/v1/certificates/not-a-uuid/bundle.zip"), 404);
  await expectError(await anon.get(certs.server30.bundleUrl), 401);

  const csr = await download(certs.csr.bundleUrl);
  const names = [...csr.entries.keys()];
  expect(names).toContain("api-csr-client/cert.pem");
  expect(names).toContain("api-csr-client/ca.pem");
  expect(names).not.toContain("api-csr-client/key.pem");
  for (const [, entry] of csr.entries) expect(entry.content).not.toContain("PRIVATE KEY");
});

test("the audit export names the token as the actor of issues and downloads", async () => {
  const res = await api.get("/api/v1/audit.json");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("application/json");
  expect(res.headers()["content-disposition"]).toMatch(/^attachment; filename="dockpki-audit-[0-9-]+\.json"$/);
  const text = await res.text();
  expect(text).not.toContain("PRIVATE KEY");
  expect(text).not.toContain("dpk_");
  const events: { actor: string; action: string; target: string; detail: { id?: string } }[] = JSON.parse(text);
  const mine = events.filter((e) => e.actor === `token:${TOKEN_NAME}`);
  const find = (action: string, id: string) => mine.find((e) => e.action === action && e.detail.id === id);
  expect(find("cert.issue", certs.server30.id)).toMatchObject({ target: certs.server30.commonName });
  expect(find("cert.issue", certs.csr.id)).toMatchObject({ target: "api-csr-client", detail: { fromCsr: true } });
  expect(find("cert.download", certs.server30.id)).toMatchObject({ detail: { withKey: true } });
  expect(find("cert.download", certs.csr.id)).toMatchObject({ detail: { withKey: false } });
  expect(find("host.create", ids.hostA)).toMatchObject({ target: "api-host-a" });
  expect(find("host.delete", ids["api-host-b"])).toBeDefined();
  // Refused requests left no trace of a change.
  const refused = ["api-host-bad", "api-client-x", "api-anon", "api-by-cookie", "second CA", "api-import-CA"];
  expect(events.filter((e) => refused.includes(e.target))).toEqual([]);

  const filtered = await api.get(
    `/api/v1/audit.json?action=cert.download&actor=${encodeURIComponent(`token:${TOKEN_NAME}`)}`,
  );
  const downloads: { action: string; actor: string }[] = await filtered.json();
  expect(downloads.length).toBeGreaterThanOrEqual(3);
  for (const e of downloads) expect(e).toMatchObject({ action: "cert.download", actor: `token:${TOKEN_NAME}` });

  const csv = await api.get("/api/v1/audit.csv");
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const lines = (await csv.text()).split("\r\n");
  expect(lines[0]).toBe("id,at,actor,action,target,detail,ip");
  expect(lines.some((l) => l.includes(`token:${TOKEN_NAME},cert.issue,`))).toBe(true);
  expect(lines.some((l) => l.includes(`token:${TOKEN_NAME},cert.download,`))).toBe(true);
});

test("PATCH changes only the fields it is given; renaming to a taken name is 409", async () => {
  const created = await api.post("/api/v1/hosts", {
    data: {
      ...hostA,
      name: "api-host-patch",
      labels: "keep",
      notes: "keep me",
      keepUnixSocket: false,
      localAccess: true,
      tlsMode: "tls-only",
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const host = await created.json();
  const res = await api.patch(`/api/v1/hosts/${host.id}`, { data: { ipAddresses: ["10.20.30.99"] } });
  expect(res.status(), await res.text()).toBe(200);
  const after = await (await api.get(`/api/v1/hosts/${host.id}`)).json();
  expect(after.ipAddresses).toEqual(["10.20.30.99"]);
  for (const field of [
    "name",
    "dnsNames",
    "port",
    "configStyle",
    "keepUnixSocket",
    "localAccess",
    "tlsMode",
    "role",
    "labels",
    "notes",
  ]) {
    expect.soft(after[field], `host ${field} after PATCH {ipAddresses}`).toEqual(host[field]);
  }
  // localAccess puts localhost and 127.0.0.1 into the certificate, not into the host record.
  const issued = await api.post(`/api/v1/hosts/${host.id}/certificates`, { data: {} });
  expect(issued.status(), await issued.text()).toBe(201);
  expect(await issued.json()).toMatchObject({
    dnsNames: ["api-a.example.com", "api-a2.example.com", "localhost"],
    ipAddresses: ["10.20.30.99", "127.0.0.1"],
  });

  const client = await (await api.get(`/api/v1/clients/${ids.client}`)).json();
  const patched = await api.patch(`/api/v1/clients/${ids.client}`, { data: { notes: "rotated monthly" } });
  expect(patched.status(), await patched.text()).toBe(200);
  const clientAfter = await (await api.get(`/api/v1/clients/${ids.client}`)).json();
  expect(clientAfter.notes).toBe("rotated monthly");
  expect.soft(clientAfter.kind, "client kind after PATCH {notes}").toBe(client.kind);
  expect.soft(clientAfter.name).toBe(client.name);

  // A PATCH that only renames meets the name check (409), not a check on fields it did not send.
  const hostBefore = await (await api.get(`/api/v1/hosts/${host.id}`)).text();
  const taken = await api.patch(`/api/v1/hosts/${host.id}`, { data: { name: "api-host-a" } });
  expect.soft(taken.status(), await taken.text()).toBe(409);
  expect.soft(await (await api.get(`/api/v1/hosts/${host.id}`)).text()).toBe(hostBefore);
});

test("names are unique regardless of case; a search for '_' finds only names holding one", async () => {
  const clash = await api.post("/api/v1/hosts", { data: { ...hostA, name: "API-HOST-A" } });
  await expectError(clash, 409);
  const underscore = await api.post("/api/v1/clients", { data: { name: "ci_runner_9" } });
  expect(underscore.status(), await underscore.text()).toBe(201);
  const found = await (await api.get("/api/v1/clients?q=_")).json();
  expect(found.clients.map((c: { name: string }) => c.name)).toEqual(["ci_runner_9"]);
});

test("HEAD on a bundle answers like a download without opening the key or logging one", async () => {
  const url = certs.client.bundleUrl;
  const countDownloads = async () =>
    ((await (await api.get("/api/v1/audit.json?action=cert.download")).json()) as unknown[]).length;
  const before = await countDownloads();
  const head = await api.fetch(url, { method: "HEAD" });
  expect(head.status()).toBe(200);
  expect(head.headers()["content-type"]).toBe("application/zip");
  expect(await countDownloads()).toBe(before);
  expect(
    (
      await api.fetch("/api/v1/certificates/00000000-0000-4000-8000-000000000000/bundle.zip", { method: "HEAD" })
    ).status(),
  ).toBe(404);
  await download(url);
  expect(await countDownloads()).toBe(before + 1);
});

test("settings: GET all, PATCH some; unknown or bad values are 400 and change nothing", async () => {
  const before = await (await api.get("/api/v1/settings")).json();
  expect(before).toMatchObject({ sslDir: "/etc/docker/ssl", auditRetentionDays: null, auditRetentionCount: null });
  await expectError(await api.patch("/api/v1/settings", { data: { crlDays: 9, bogus: 1 } }), 400, ["_form"]);
  await expectError(await api.patch("/api/v1/settings", { data: { sslDir: "/tmp" } }), 400, ["sslDir"]);
  await expectError(await api.patch("/api/v1/settings", { data: { auditRetentionCount: 5 } }), 400, [
    "auditRetentionCount",
  ]);
  expect(await (await api.get("/api/v1/settings")).json()).toEqual(before);
  const res = await api.patch("/api/v1/settings", { data: { crlDays: 9, auditRetentionDays: 400 } });
  expect(res.status(), await res.text()).toBe(200);
  expect(await res.json()).toEqual({ ...before, crlDays: 9, auditRetentionDays: 400 });
  await api.patch("/api/v1/settings", { data: { crlDays: before.crlDays, auditRetentionDays: null } });
});

test("admins and tokens through the API: the same rules as Settings", async () => {
  const list = await (await api.get("/api/v1/admins")).json();
  expect(list.admins.map((a: { username: string }) => a.username)).toContain("admin");
  await expectError(
    await api.post("/api/v1/admins", { data: { username: "api-admin-x", password: "api-admin-x" } }),
    400,
    ["password"],
  );
  const created = await api.post("/api/v1/admins", {
    data: { username: "api-admin-x", password: "a long and fine password" },
  });
  expect(created.status(), await created.text()).toBe(201);
  const admin = await created.json();
  expect(admin).toEqual({
    id: expect.stringMatching(UUID),
    username: "api-admin-x",
    role: "admin",
    createdAt: expect.any(String),
    lastLoginAt: null,
  });
  noKeyMaterial(JSON.stringify(admin));
  expect(JSON.stringify(admin)).not.toMatch(/passwordHash|scrypt/);
  const patched = await api.patch(`/api/v1/admins/${admin.id}`, { data: { password: "another fine password" } });
  expect(patched.status(), await patched.text()).toBe(200);
  expect((await api.delete(`/api/v1/admins/${admin.id}`)).status()).toBe(204);
  await expectError(await api.get(`/api/v1/admins/${admin.id}`), 404);

  const token = await api.post("/api/v1/tokens", { data: { name: "api-made-token" } });
  expect(token.status(), await token.text()).toBe(201);
  const { id, token: secret } = await token.json();
  expect(secret).toMatch(/^dpk_[A-Za-z0-9_-]{43}$/);
  const listed = await (await api.get("/api/v1/tokens")).json();
  expect(JSON.stringify(listed)).not.toContain(secret);
  const withIt = await anon.get("/api/v1/hosts", { headers: { Authorization: `Bearer ${secret}` } });
  expect(withIt.status()).toBe(200);
  expect((await api.delete(`/api/v1/tokens/${id}`)).status()).toBe(204);
  await expectError(await anon.get("/api/v1/hosts", { headers: { Authorization: `Bearer ${secret}` } }), 401);
});

test("roles through the API: an operator account and an auditor token, refused with the role that would do", async () => {
  const made = await api.post("/api/v1/admins", {
    data: { username: "api-operator", password: "an operator's long password", role: "operator" },
  });
  expect(made.status(), await made.text()).toBe(201);
  const operator = await made.json();
  expect(operator.role).toBe("operator");
  await expectError(
    await api.post("/api/v1/admins", {
      data: { username: "x-role", password: "a long and fine password", role: "root" },
    }),
    400,
    ["role"],
  );
  const patched = await api.patch(`/api/v1/admins/${operator.id}`, { data: { role: "auditor" } });
  expect(await patched.json()).toMatchObject({ role: "auditor", revokedTokens: [] });
  expect((await api.delete(`/api/v1/admins/${operator.id}`)).status()).toBe(204);

  const minted = await api.post("/api/v1/tokens", { data: { name: "api-auditor", role: "auditor", expires: "7d" } });
  expect(minted.status(), await minted.text()).toBe(201);
  const auditor = await minted.json();
  expect(auditor.scope).toBe("auditor");
  expect(Date.parse(auditor.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
  await expectError(await api.post("/api/v1/tokens", { data: { name: "api-auditor" } }), 400, ["name"]);
  await expectError(await api.post("/api/v1/tokens", { data: { name: "api-later", expires: "someday" } }), 400, [
    "expires",
  ]);
  const headers = { Authorization: `Bearer ${auditor.token}` };
  expect((await anon.get("/api/v1/hosts", { headers })).status()).toBe(200);
  expect((await anon.get("/api/v1/audit.json", { headers })).status()).toBe(200);
  const refused = await anon.post("/api/v1/hosts", { headers, data: { name: "auditor-made" } });
  await expectError(refused, 403);
  const { error } = await refused.json();
  expect(error).toEqual({
    message: "Changing hosts and clients needs the operator or admin role; this API token has the auditor role.",
    requiredRole: "operator",
  });
  const admins = await anon.get("/api/v1/admins", { headers });
  await expectError(admins, 403);
  expect((await admins.json()).error.requiredRole).toBe("admin");
  const listed = (await (await api.get("/api/v1/tokens")).json()).tokens.find(
    (t: { id: string }) => t.id === auditor.id,
  );
  expect(listed).toMatchObject({ name: "api-auditor", scope: "auditor", expiresAt: auditor.expiresAt });
  expect(listed.lastUsedAt).not.toBeNull();
  expect((await api.delete(`/api/v1/tokens/${auditor.id}`)).status()).toBe(204);
});

test("/metrics: a metrics-scope token reads it and nothing else; without a token it is 401", async () => {
  const made = await api.post("/api/v1/tokens", { data: { name: "prometheus-e2e", scope: "metrics" } });
  expect(made.status(), await made.text()).toBe(201);
  const { token: secret, scope } = await made.json();
  expect(scope).toBe("metrics");
  const auth = { Authorization: `Bearer ${secret}` };
  const scraped = await anon.get("/metrics", { headers: auth });
  expect(scraped.status()).toBe(200);
  expect(scraped.headers()["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await scraped.text();
  expect(text).toMatch(/^# TYPE dockpki_certificate_expiry_timestamp_seconds gauge$/m);
  expect(text).toMatch(
    /^dockpki_certificate_expiry_timestamp_seconds\{holder="[^"]+",kind="(server|client)",ca="[^"]+"\} \d+$/m,
  );
  expect(text).toMatch(/^dockpki_api_request_duration_seconds_count\{/m);
  const refused = await anon.get("/api/v1/hosts", { headers: auth });
  await expectError(refused, 403);
  expect((await refused.json()).error.requiredRole).toBe("auditor");
  await expectError(await anon.get("/metrics"), 401);
  // An admin token reads it too.
  expect((await api.get("/metrics")).status()).toBe(200);
});

test("CA rotation through the API: both CRLs, retire refused while certificates depend on the old CA, a bulk job, then retire", async () => {
  test.setTimeout(240_000);
  const before = await (await api.get("/api/v1/cas")).json();
  const old = before.certificateAuthorities.find((ca: { state: string }) => ca.state === "active");
  await expectError(await api.post("/api/v1/ca/rotate", { data: { commonName: "" } }), 400, ["commonName"]);
  const rotated = await api.post("/api/v1/ca/rotate", { data: { commonName: "API Rotated CA", keySize: 2048 } });
  expect(rotated.status(), await rotated.text()).toBe(201);
  const next = await rotated.json();
  expect(next).toMatchObject({ state: "active", commonName: "API Rotated CA" });
  await expectError(await api.post("/api/v1/ca/rotate", { data: { commonName: "Third" } }), 409);
  const states = (await (await api.get("/api/v1/cas")).json()).certificateAuthorities.map(
    (ca: { id: string; state: string }) => [ca.id, ca.state],
  );
  expect(states).toEqual(
    expect.arrayContaining([
      [next.id, "active"],
      [old.id, "overlap"],
    ]),
  );

  const crls = await (await api.get("/api/v1/crl.pem")).text();
  expect(crls.match(/BEGIN X509 CRL/g)?.length).toBe(2);
  const oldCrl = await api.get(`/api/v1/cas/${old.id}/crl.pem`);
  expect(oldCrl.status()).toBe(200);
  expect((await oldCrl.text()).match(/BEGIN X509 CRL/g)?.length).toBe(1);

  const refused = await api.post(`/api/v1/cas/${old.id}/retire`);
  expect((await expectError(refused, 409)).message).toMatch(/still depend/);
  expect((await refused.json()).error.dependents).toBeGreaterThan(0);

  await expectError(await api.post("/api/v1/jobs", { data: { scope: "sideways" } }), 400);
  const job = await api.post("/api/v1/jobs", { data: { scope: "previous-ca" } });
  expect(job.status(), await job.text()).toBe(202);
  const { id: jobId } = await job.json();
  await expect
    .poll(async () => (await (await api.get(`/api/v1/jobs/${jobId}`)).json()).status, { timeout: 180_000 })
    .toBe("done");

  const retired = await api.post(`/api/v1/cas/${old.id}/retire`);
  expect(retired.status(), await retired.text()).toBe(200);
  expect(await retired.json()).toMatchObject({ id: old.id, hostsStillTrusting: expect.any(Number) });
  const after = (await (await api.get("/api/v1/cas")).json()).certificateAuthorities;
  expect(after.find((ca: { id: string }) => ca.id === old.id)).toMatchObject({ state: "retired" });
  expect((await (await api.get("/api/v1/crl.pem")).text()).match(/BEGIN X509 CRL/g)?.length).toBe(1);
  // A bundle from the retired CA would carry a ca.pem without its issuer.
  await expectError(await api.get(certs.client.bundleUrl), 410);
  expect((await api.fetch(certs.client.bundleUrl, { method: "HEAD" })).status()).toBe(410);
});
