import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type APIRequestContext, expect, request as playwrightRequest, test } from "@playwright/test";

// The .p12 download: through the API with a token (a passphrase given, or one made and answered
// once in a header), from the certificate page with the session, and refused plainly where there is
// no key to put in it, no certificate to give out, or a session request another site made. OpenSSL 3
// is the judge of every file.
test.describe.configure({ mode: "serial" });

const RUN = Date.now().toString(36);
const dir = mkdtempSync(path.join(tmpdir(), "dockpki-p12-e2e-"));
let api: APIRequestContext;
let certId = "";
let serial = "";

/** What OpenSSL finds in a .p12 with this passphrase: the leaf's serial, or the failure. */
function opensslSerial(p12: Buffer, passphrase: string): string {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.p12`);
  writeFileSync(file, p12);
  const out = spawnSync("openssl", ["pkcs12", "-in", file, "-passin", `pass:${passphrase}`, "-noenc", "-clcerts"], {
    encoding: "utf8",
  });
  if (out.status !== 0) return `failed: ${out.stderr}`;
  expect(out.stdout).toContain("BEGIN PRIVATE KEY");
  return execFileSync("openssl", ["x509", "-noout", "-serial"], { input: out.stdout })
    .toString()
    .trim()
    .replace(/^serial=/, "")
    .toLowerCase();
}

test.beforeAll(async ({ browser, baseURL }) => {
  const page = await browser.newPage({ storageState: "e2e/.auth/admin.json" });
  await page.goto("/settings");
  await page.getByLabel("Name", { exact: true }).fill(`p12-${RUN}`);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = ((await page.getByTestId("new-token").textContent()) ?? "").trim();
  await page.close();
  api = await playwrightRequest.newContext({
    baseURL,
    storageState: { cookies: [], origins: [] },
    extraHTTPHeaders: { Authorization: `Bearer ${token}` },
  });
  const ca = await api.get("/api/v1/ca");
  if (ca.status() === 404) await api.post("/api/v1/ca", { data: { commonName: "p12 CA", keySize: 2048 } });
  const client = await (await api.post("/api/v1/clients", { data: { name: `p12-client-${RUN}` } })).json();
  const cert = await api.post(`/api/v1/clients/${client.id}/certificates`, { data: {} });
  expect(cert.status(), await cert.text()).toBe(201);
  ({ id: certId, serial } = await cert.json());
});
test.afterAll(async () => {
  await api?.dispose();
});

test("the API makes a .p12 under a passphrase it answers once, or under the one given", async () => {
  const made = await api.post(`/api/v1/certificates/${certId}/bundle.p12`);
  expect(made.status(), await made.text()).toBe(200);
  expect(made.headers()["content-type"]).toBe("application/x-pkcs12");
  expect(made.headers()["cache-control"]).toBe("no-store");
  const generated = made.headers()["x-dockpki-passphrase"];
  expect(generated).toMatch(/^[a-z2-9]{20}$/);
  const body = await made.body();
  expect(opensslSerial(body, generated)).toBe(serial);
  expect(opensslSerial(body, "not the passphrase")).toMatch(/^failed: .*mac verify/is);

  const chosen = await api.post(`/api/v1/certificates/${certId}/bundle.p12`, {
    data: { passphrase: "correct horse battery staple" },
  });
  expect(chosen.status()).toBe(200);
  expect(chosen.headers()["x-dockpki-passphrase"]).toBeUndefined();
  expect(opensslSerial(await chosen.body(), "correct horse battery staple")).toBe(serial);

  const short = await api.post(`/api/v1/certificates/${certId}/bundle.p12`, { data: { passphrase: "short" } });
  expect(short.status()).toBe(400);
  expect((await short.json()).error.fieldErrors.passphrase[0]).toMatch(/at least 12 characters/);
  const audit = await (await api.get("/api/v1/audit.json?action=cert.download")).json();
  const events = (audit.events ?? audit) as { detail: string | Record<string, unknown> }[];
  expect(JSON.stringify(events)).toMatch(/format\\*":\\*"p12/);
});

test("no key, no .p12; a revoked certificate has none either", async () => {
  const csr = execFileSync("sh", [
    "-c",
    "openssl req -new -newkey rsa:2048 -nodes -keyout /dev/null -subj /CN=p12-csr 2>/dev/null",
  ]).toString();
  const client = await (await api.post("/api/v1/clients", { data: { name: `p12-csr-${RUN}` } })).json();
  const fromCsr = await (await api.post(`/api/v1/clients/${client.id}/certificates`, { data: { csrPem: csr } })).json();
  const refused = await api.post(`/api/v1/certificates/${fromCsr.id}/bundle.p12`);
  expect(refused.status()).toBe(409);
  expect((await refused.json()).error.message).toMatch(/key never reached dockpki/);

  const other = await (await api.post(`/api/v1/clients/${client.id}/certificates`, { data: {} })).json();
  await api.post(`/api/v1/certificates/${other.id}/revoke`, { data: { reason: "superseded" } });
  expect((await api.post(`/api/v1/certificates/${other.id}/bundle.p12`)).status()).toBe(410);
});

test("with the session only from the dashboard's pages: the certificate page downloads it", async ({
  page,
  baseURL,
}) => {
  // The session cookie alone, as another site's form or script would send it: refused.
  const forged = await page.request.post(`/api/v1/certificates/${certId}/bundle.p12`, {
    headers: { Origin: "https://elsewhere.example" },
  });
  expect(forged.status()).toBe(401);
  const bare = await page.request.post(`/api/v1/certificates/${certId}/bundle.p12`);
  expect(bare.status()).toBe(401);
  const own = await page.request.post(`/api/v1/certificates/${certId}/bundle.p12`, {
    headers: { Origin: baseURL as string },
  });
  expect(own.status()).toBe(200);

  await page.goto(`/certificates/${certId}`);
  const form = page.getByTestId("p12-download");
  await form.getByLabel("Passphrase for the .p12 (optional)").fill("too short");
  await form.getByRole("button", { name: "Download .p12" }).click();
  await expect(form.getByRole("alert")).toContainText("at least 12 characters");

  await form.getByLabel("Passphrase for the .p12 (optional)").fill("");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    form.getByRole("button", { name: "Download .p12" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`dockpki-client-p12-client-${RUN}.p12`);
  const passphrase = ((await form.getByTestId("p12-passphrase").textContent()) ?? "").trim();
  expect(passphrase).toMatch(/^[a-z2-9]{20}$/);
  const saved = path.join(dir, "from-page.p12");
  await download.saveAs(saved);
  expect(opensslSerial(readFileSync(saved), passphrase)).toBe(serial);
});
