import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { judgeBundles, skipWithoutDocker } from "../lib/test-support/docker-judge";
import { extract } from "../lib/test-support/zip";
import { confirmDialog } from "./helpers-dialog";

// Runs after issuing.spec.ts: a CA, the hosts local-systemd and local-json, and the client
// e2e-laptop exist. Revocation and the CRL, re-issue after an inventory change, CA rotation with
// both CAs trusted during the overlap, and a bulk re-issue followed by its progress bar.
test.describe.configure({ mode: "serial" });

async function download(page: Page, url: string, folder: string): Promise<string> {
  const response = await page.request.get(url);
  expect(response.status(), await response.text().catch(() => "")).toBe(200);
  const dir = mkdtempSync(path.join(tmpdir(), "dockpki-e2e-life-"));
  await extract(await response.body(), dir);
  return path.join(dir, folder);
}

async function holderId(page: Page, list: "hosts" | "clients", name: string): Promise<string> {
  await page.goto(`/${list}?q=${encodeURIComponent(name)}`);
  const href = await page.getByRole("link", { name, exact: true }).getAttribute("href");
  return (href as string).split("/").pop() as string;
}

async function currentCertId(page: Page, list: "hosts" | "clients", id: string): Promise<string> {
  await page.goto(`/${list}/${id}`);
  const href = await page.locator("table a[href^='/certificates/']").first().getAttribute("href");
  return (href as string).split("/").pop() as string;
}

async function addHostAndIssue(page: Page, name: string): Promise<string> {
  await page.goto("/hosts/new");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("DNS names").fill("localhost");
  await page.getByLabel("IP addresses").fill("127.0.0.1");
  await page.getByRole("button", { name: "Add host" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await page.getByRole("button", { name: "Issue certificate" }).click();
  await expect(page.getByText("Certificate issued.")).toBeVisible();
  return page.url().split("/").pop() as string;
}

/** scripts/docker-judge.sh, and ../shared's check-bundle.sh too when it is there. */
function judge(serverDir: string, clientDir: string, ...options: string[]) {
  // Each judgement starts a dockerd or two, so it brings its own minute.
  test.info().setTimeout(test.info().timeout + 60_000);
  const { own, second } = judgeBundles(serverDir, clientDir, ...options);
  expect(own.status, own.output).toBe(0);
  if (second) expect(second.status, second.output).toBe(0);
}

test("revoking lists the serial in a CRL signed by the CA, and the bundle is refused", async ({ page }) => {
  const hostId = await addHostAndIssue(page, "revoke-me");
  const certId = await currentCertId(page, "hosts", hostId);
  await page.goto(`/certificates/${certId}`);
  const serial = (await page.locator("dd.mono").first().textContent())?.trim() as string;
  await page.getByLabel("Reason").selectOption("keyCompromise");
  await page.getByRole("button", { name: "Revoke" }).click();
  expect(await confirmDialog(page, "Revoke certificate")).toBe(
    `Revoke revoke-me's certificate, serial ${serial.slice(0, 12)}…?`,
  );
  await expect(page.getByText(/on .* UTC, Key compromise/)).toBeVisible();

  const dir = mkdtempSync(path.join(tmpdir(), "dockpki-crl-"));
  writeFileSync(path.join(dir, "crl.pem"), await (await page.request.get("/api/v1/crl.pem")).text());
  writeFileSync(path.join(dir, "ca.pem"), await (await page.request.get("/api/v1/ca.pem")).text());
  const text = execFileSync("openssl", ["crl", "-in", "crl.pem", "-text", "-noout"], { cwd: dir, encoding: "utf8" });
  expect(text).toContain(serial.toUpperCase());
  expect(text).toMatch(/Key Compromise/);
  const verify = execFileSync("openssl", ["crl", "-in", "crl.pem", "-CAfile", "ca.pem", "-verify", "-noout"], {
    cwd: dir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  expect(verify).toBe("");

  const refused = await page.request.get(`/api/v1/certificates/${certId}/bundle.zip`);
  expect(refused.status()).toBe(410);
  expect((await refused.json()).error.message).toMatch(/was revoked.*can no longer be downloaded/);
});

test("re-issue takes the host's current addresses and the bundle still works", async ({ page }) => {
  const hostId = await holderId(page, "hosts", "local-systemd");
  await page.goto(`/hosts/${hostId}`);
  await page.getByLabel("IP addresses").fill("127.0.0.2");
  await page.getByRole("button", { name: "Save host" }).click();
  await expect(page.getByText(/Host saved/)).toBeVisible();
  await page.reload();
  await expect(page.getByText(/names or IP addresses changed since its certificate was issued/)).toBeVisible();

  const oldId = await currentCertId(page, "hosts", hostId);
  await page.goto(`/certificates/${oldId}`);
  await page.getByRole("button", { name: "Re-issue" }).click();
  await expect(page).not.toHaveURL(new RegExp(oldId));
  await expect(page.locator("dd.mono").nth(2)).toHaveText("localhost, 127.0.0.2");
  const newId = page.url().split("/").pop() as string;

  await page.goto(`/certificates/${oldId}`);
  await expect(page.getByText("Replaced by")).toBeVisible();
  if (skipWithoutDocker()) return;
  const server = await download(page, `/api/v1/certificates/${newId}/bundle.zip`, "local-systemd");
  const clientId = await holderId(page, "clients", "e2e-laptop");
  const client = await download(
    page,
    `/api/v1/certificates/${await currentCertId(page, "clients", clientId)}/bundle.zip`,
    "e2e-laptop",
  );
  judge(server, client, "--connect-host", "localhost");
});

test("CA rotation: during the overlap, each side trusts both CAs", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto("/ca");
  await page.getByRole("button", { name: "Create the successor CA" }).click();
  await confirmDialog(page, "Create the successor CA", "rotate");
  await expect(page.getByRole("heading", { name: "Rotation in progress" })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("rotation-step-1")).toContainText("to do");
  await expect(page.getByTestId("rotation-trust-left")).toContainText("have not received a bundle with both CAs yet");
  const caPem = await (await page.request.get("/api/v1/ca.pem")).text();
  expect(caPem.match(/BEGIN CERTIFICATE/g)?.length).toBe(2);
  await expect(page.getByTestId("bundle-ca-pem")).toContainText(caPem.trim().split("\n")[1]);
  expect(((await page.getByTestId("bundle-ca-pem").textContent()) ?? "").match(/BEGIN CERTIFICATE/g)?.length).toBe(2);

  // New CA: a host and a client. Old CA: local-json (server) and e2e-laptop (client).
  const newHostId = await addHostAndIssue(page, "rotated-host");
  await page.goto("/clients/new");
  await page.getByLabel("Name", { exact: true }).fill("rotated-client");
  await page.getByRole("button", { name: "Add client" }).click();
  await page.getByRole("button", { name: "Issue certificate" }).click();
  await expect(page.getByText("Certificate issued.")).toBeVisible();
  const newClientId = page.url().split("/").pop() as string;
  if (skipWithoutDocker()) return;
  const newServer = await download(
    page,
    `/api/v1/certificates/${await currentCertId(page, "hosts", newHostId)}/bundle.zip`,
    "rotated-host",
  );
  const newClient = await download(
    page,
    `/api/v1/certificates/${await currentCertId(page, "clients", newClientId)}/bundle.zip`,
    "rotated-client",
  );
  const oldServerHost = await holderId(page, "hosts", "local-json");
  const oldServer = await download(
    page,
    `/api/v1/certificates/${await currentCertId(page, "hosts", oldServerHost)}/bundle.zip`,
    "local-json",
  );
  const oldClientId = await holderId(page, "clients", "e2e-laptop");
  const oldClient = await download(
    page,
    `/api/v1/certificates/${await currentCertId(page, "clients", oldClientId)}/bundle.zip`,
    "e2e-laptop",
  );
  expect(readFileSync(path.join(oldClient, "ca.pem"), "utf8").match(/BEGIN CERTIFICATE/g)?.length).toBe(2);
  judge(newServer, oldClient);
  judge(oldServer, newClient);
});

test("bulk re-issue under the new CA shows its progress to 100%, then the old CA retires", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto("/ca");
  await page.getByRole("button", { name: /Re-issue everything under the new CA/ }).click();
  expect(await confirmDialog(page, /^Re-issue \d+$/)).toMatch(
    /^Re-issue \d+ certificates?: .*\. The old ones stay valid until they expire\.$/,
  );
  await expect(page).toHaveURL(/\/certificates\/jobs\//);
  await expect(page.getByTestId("job-status")).toContainText("100%", { timeout: 120_000 });
  await expect(page.getByTestId("job-status")).toContainText("done");
  await page.goto("/ca");
  await expect(page.getByText("No valid certificate comes from the previous CA any more.")).toBeVisible();
  await expect(page.getByTestId("rotation-step-2")).toContainText(
    "have a new certificate whose bundle they have not received",
  );
  await page.getByRole("button", { name: "Retire the previous CA" }).click();
  await expect(page.getByRole("dialog")).toContainText("Bundles will stop carrying it");
  expect(await confirmDialog(page, "Retire CA")).toMatch(/^Retire .*\?$/);
  await expect(page.getByRole("heading", { name: "Retired CAs" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "is retired: bundles no longer carry it." })).toBeVisible();
  const caPem = await (await page.request.get("/api/v1/ca.pem")).text();
  expect(caPem.match(/BEGIN CERTIFICATE/g)?.length).toBe(1);

  // Hosts whose ca.pem still holds the retired CA let its clients in: named until they get a new bundle.
  await page.goto("/");
  await expect(page.getByTestId("overview-needs-bundle")).toContainText("local-json");
  const hostId = await holderId(page, "hosts", "local-json");
  await page.goto(`/hosts/${hostId}`);
  await expect(page.getByTestId("needs-new-bundle")).toBeVisible();
  const bundle = await page.request.get(
    `/api/v1/certificates/${await currentCertId(page, "hosts", hostId)}/bundle.zip`,
  );
  expect(bundle.status()).toBe(200);
  await page.goto(`/hosts/${hostId}`);
  await expect(page.getByTestId("needs-new-bundle")).toHaveCount(0);
  await page.goto("/hosts?q=local-json");
  await expect(page.getByRole("row").filter({ hasText: "local-json" })).not.toContainText("needs its new bundle");
});

test("a bulk re-issue of 200 certificates: the progress bar moves and reaches 100%", async ({
  page,
  playwright,
  baseURL,
}) => {
  test.setTimeout(600_000);
  // ECDSA P-256 keys (the default) keep the setup quick; the bulk job itself is what is watched.
  await page.goto("/settings");
  await expect(page.getByLabel("Key type of new certificates")).toHaveValue("ecdsa-p256");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await page.getByLabel("Name", { exact: true }).fill("bulk-setup");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent()) as string;
  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
  // Four at a time: the server generates keys on both cores.
  const names = Array.from({ length: 200 }, (_, i) => `bulk-${String(i).padStart(3, "0")}`);
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let name = names.shift(); name; name = names.shift()) {
        const client = await api.post("/api/v1/clients", { data: { name, kind: "ci" } });
        expect(client.status()).toBe(201);
        const cert = await api.post(`/api/v1/clients/${(await client.json()).id}/certificates`, { data: { days: 10 } });
        expect(cert.status()).toBe(201);
      }
    }),
  );
  const expiring = await (await api.get("/api/v1/certificates?status=expiring&days=30&pageSize=1")).json();
  expect(expiring.total).toBeGreaterThanOrEqual(200);

  // The README's screenshot: the overview with real data in it, before the bulk re-issue.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto("/");
  await page.screenshot({ path: "public/screenshot.png" });
  // The job re-issues with RSA-2048 keys, slow enough (~0.1 s each, two at a time) to watch the bar.
  expect((await api.patch("/api/v1/settings", { data: { leafKeyType: "rsa", leafKeySize: 2048 } })).status()).toBe(200);
  await page.getByRole("button", { name: /Re-issue everything expiring or expired \(\d+\)/ }).click();
  expect(await confirmDialog(page, /^Re-issue \d+$/)).toMatch(/^Re-issue \d+ certificates: /);
  await expect(page).toHaveURL(/\/certificates\/jobs\//);
  const seen = new Set<string>();
  const status = page.getByTestId("job-status");
  await expect
    .poll(
      async () => {
        const text = (await status.textContent()) ?? "";
        seen.add(text.match(/(\d+)%/)?.[1] ?? "");
        return text;
      },
      { timeout: 300_000, intervals: [250] },
    )
    .toMatch(/100% · \d+ of \d+ re-issued · done/);
  // The bar moved through the middle, not straight from 0 to 100.
  expect([...seen].some((p) => Number(p) > 0 && Number(p) < 100)).toBe(true);
  expect(await page.locator("progress").getAttribute("value")).toBe(await page.locator("progress").getAttribute("max"));

  const after = await (await api.get("/api/v1/certificates?status=expiring&days=30&pageSize=1")).json();
  expect(after.total).toBe(0);
  expect((await api.patch("/api/v1/settings", { data: { leafKeyType: "ecdsa-p256" } })).status()).toBe(200);
  await api.dispose();
});
