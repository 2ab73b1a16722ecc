import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { type OwnDashboard, startOwnDashboard } from "../lib/test-support/own-dashboard";

// An issuing CA under an offline root, as an admin does it on the CA page of a new install: the
// key and CSR made by dockpki, the command shown run as shown where the root lives (a directory of
// its own here), the signed certificate and the root uploaded; then the API says the same.
test.describe.configure({ mode: "serial" });
test.setTimeout(120_000);
// Signed in to this spec's own dashboard, not the suite's (cookies do not tell ports apart).
test.use({ storageState: { cookies: [], origins: [] } });

let dash: OwnDashboard;
const root = mkdtempSync(path.join(tmpdir(), "dockpki-e2e-root-"));
const openssl = (args: string[]) => execFileSync("openssl", args, { cwd: root, stdio: "pipe", encoding: "utf8" });

test.beforeAll(async () => {
  dash = await startOwnDashboard("offline-root");
  writeFileSync(
    path.join(root, "root.cnf"),
    "[req]\ndistinguished_name=dn\nx509_extensions=v3\nprompt=no\n[dn]\nCN=Offline Root E2E\n[v3]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n",
  );
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "root-key.pem"]);
  openssl(["req", "-new", "-x509", "-key", "root-key.pem", "-config", "root.cnf", "-days", "3650", "-out", "root.pem"]);
});

test.afterAll(async () => {
  await dash?.stop();
  rmSync(root, { recursive: true, force: true });
});

test("the CA page: request, sign with the command shown, a wrong upload refused, activate", async ({ page }) => {
  await page.goto(`${dash.base}/login`);
  await page.getByLabel("Username").fill("offline-root-admin");
  await page.getByLabel("Password").fill("a long enough password here");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto(`${dash.base}/ca`);
  await expect(page.getByRole("heading", { name: "Issue from an offline root" })).toBeVisible();
  await page.getByLabel("Issuing CA name").fill("E2E Issuing CA");
  await page.getByRole("button", { name: "Make the key and CSR" }).click();

  const command = (await page.getByTestId("intermediate-command").textContent()) ?? "";
  const csr = (await page.getByTestId("intermediate-csr").textContent()) ?? "";
  expect(command).toContain("CA:TRUE, pathlen:0");
  expect(csr).toContain("-----BEGIN CERTIFICATE REQUEST-----");
  writeFileSync(path.join(root, "intermediate.csr"), csr);
  execFileSync("sh", ["-euc", command], { cwd: root, stdio: "pipe" });

  // the root where the signed certificate belongs: refused on the root's field, nothing stored
  await page
    .getByLabel("Signed intermediate certificate (intermediate.pem)")
    .fill(readFileSync(path.join(root, "intermediate.pem"), "utf8"));
  await page.getByLabel("Root certificate (root.pem)").fill(readFileSync(path.join(root, "intermediate.pem"), "utf8"));
  await page.getByRole("button", { name: "Activate the issuing CA" }).click();
  await expect(page.getByText(/^The root: |This is not a root/).first()).toBeVisible();
  expect((await dash.api.get("/api/v1/ca")).status()).toBe(404);

  await page.getByLabel("Root certificate (root.pem)").fill(readFileSync(path.join(root, "root.pem"), "utf8"));
  await page.getByRole("button", { name: "Activate the issuing CA" }).click();
  // the page becomes the active CA's, naming its root
  await expect(page.getByRole("heading", { name: "E2E Issuing CA active" })).toBeVisible();
  await expect(page.getByTestId("ca-root")).toContainText("CN=Offline Root E2E");

  const ca = await (await dash.api.get("/api/v1/ca")).json();
  expect(ca).toMatchObject({ commonName: "E2E Issuing CA", keyType: "ecdsa-p256" });
  expect(ca.rootCertPem).toContain("-----BEGIN CERTIFICATE-----");
  const caPem = await (await dash.api.get("/api/v1/ca.pem")).text();
  expect(caPem.trim()).toBe(readFileSync(path.join(root, "root.pem"), "utf8").trim());
});

test("the API: a leaf's cert.pem carries the issuing CA, and a second request replaces the first", async () => {
  const host = await (
    await dash.api.post("/api/v1/hosts", { data: { name: "chained", dnsNames: ["chained.example.com"] } })
  ).json();
  const cert = await (await dash.api.post(`/api/v1/hosts/${host.id}/certificates`, { data: {} })).json();
  expect(cert.certPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  writeFileSync(path.join(root, "leaf.pem"), cert.certPem);
  expect(openssl(["verify", "-CAfile", "root.pem", "-untrusted", "leaf.pem", "leaf.pem"])).toContain("OK");

  // nothing waits after the activation: a 404 in the API's error shape
  const none = await dash.api.get("/api/v1/ca/intermediate");
  expect(none.status()).toBe(404);
  expect((await none.json()).error.message).toBe("No intermediate CA is waiting for its certificate.");

  const first = await dash.api.post("/api/v1/ca/intermediate", { data: { commonName: "E2E Issuing CA 2" } });
  expect(first.status(), await first.text()).toBe(201);
  const second = await dash.api.post("/api/v1/ca/intermediate", {
    data: { commonName: "E2E Issuing CA 3", keyType: "ecdsa-p384", days: 400 },
  });
  const { csrPem, opensslCommand } = await second.json();
  expect(opensslCommand).toContain("-days 400");
  const waiting = await (await dash.api.get("/api/v1/ca/intermediate")).json();
  expect(waiting).toMatchObject({ commonName: "E2E Issuing CA 3", keyType: "ecdsa-p384", csrPem });
  const bad = await dash.api.post("/api/v1/ca/intermediate", {
    data: { commonName: "x", keyType: "ecdsa-p256", keySize: 2048 },
  });
  expect(bad.status()).toBe(400);
  const refused = await dash.api.post("/api/v1/ca/intermediate/certificate", {
    data: {
      certPem: readFileSync(path.join(root, "intermediate.pem"), "utf8"),
      rootPem: readFileSync(path.join(root, "root.pem"), "utf8"),
    },
  });
  expect(refused.status()).toBe(400);
  expect((await refused.json()).error.fieldErrors.certPem[0]).toMatch(/not for the key dockpki is waiting for/);
});
