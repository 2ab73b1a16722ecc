import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type APIRequestContext, expect, request as playwrightRequest, test } from "@playwright/test";
import { judgeBundles, skipWithoutDocker } from "../lib/test-support/docker-judge";
import { extract, unzip } from "../lib/test-support/zip";

// After issuing: the host page's install card and the client page's docker contexts. After a bulk
// re-issue: the results table with old and new serials, the overview's notice, and every new bundle
// as one zip that the real dockerd and docker CLI accept.
test.describe.configure({ mode: "serial" });

const RUN = Date.now().toString(36);
// Names that sort first, so the client page (which names the first ten hosts) names this one.
const HOST = `0inst-${RUN}`;
const CLIENT = `0inst-cli-${RUN}`;
let api: APIRequestContext;
let hostId = "";
let clientId = "";

test.beforeAll(async ({ browser, baseURL }) => {
  const page = await browser.newPage({ storageState: "e2e/.auth/admin.json" });
  await page.goto("/settings");
  await page.getByLabel("Name", { exact: true }).fill(`install-${RUN}`);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = ((await page.getByTestId("new-token").textContent()) ?? "").trim();
  await page.close();
  api = await playwrightRequest.newContext({
    baseURL,
    storageState: { cookies: [], origins: [] },
    extraHTTPHeaders: { Authorization: `Bearer ${token}` },
  });
  if ((await api.get("/api/v1/ca")).status() === 404) {
    await api.post("/api/v1/ca", { data: { commonName: "install CA", keySize: 2048 } });
  }
  const host = await api.post("/api/v1/hosts", {
    data: { name: HOST, dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"] },
  });
  expect(host.status(), await host.text()).toBe(201);
  hostId = (await host.json()).id;
  const client = await api.post("/api/v1/clients", { data: { name: CLIENT, kind: "ci" } });
  expect(client.status(), await client.text()).toBe(201);
  clientId = (await client.json()).id;
});
test.afterAll(async () => {
  await api?.dispose();
});

test("after issuing, the host page shows the bundle and the commands that install and check it", async ({ page }) => {
  await page.goto(`/hosts/${hostId}`);
  await expect(page.getByTestId("install-card")).toHaveCount(0);
  await page.getByRole("button", { name: "Issue certificate" }).click();
  await expect(page.getByText("Certificate issued.")).toBeVisible();
  const card = page.getByTestId("install-card");
  await expect(card.getByRole("heading", { name: `Install on ${HOST}` })).toBeVisible();
  await expect(card).toContainText(`unzip dockpki-server-${HOST}.zip && sudo sh ${HOST}/install.sh`);
  await expect(card).toContainText(
    "docker --tlsverify --tlscacert=ca.pem --tlscert=cert.pem --tlskey=key.pem -H=tcp://localhost:2376 version",
  );
  await expect(card.getByRole("button", { name: "Copy" })).toHaveCount(2);
  // Re-issuing is now the lesser button.
  await expect(page.getByRole("button", { name: /Issue a new certificate/ })).toHaveClass(/secondary/);
  // The README's picture of a host page: its certificate and the card that says what to do next.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.locator("section.panel").filter({ has: card }).screenshot({ path: "public/screenshot-install.png" });

  // The commands' names are the download's: the zip's name and its folder with install.sh.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    card.getByRole("link", { name: "Download server bundle" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`dockpki-server-${HOST}.zip`);
  const entries = await unzip(readFileSync((await download.path()) as string));
  expect(entries.get(`${HOST}/install.sh`)?.mode).toBe(0o755);
});

test("after issuing, the client page gives a docker context line per host", async ({ page }) => {
  await page.goto(`/clients/${clientId}`);
  await page.getByRole("button", { name: "Issue certificate" }).click();
  await expect(page.getByText("Certificate issued.")).toBeVisible();
  const commands = page.getByTestId("context-commands");
  await expect(commands).toContainText(`unzip dockpki-client-${CLIENT}.zip && cd ${CLIENT}`);
  await expect(commands).toContainText(
    `docker context create ${HOST} --docker host=tcp://localhost:2376,ca=./ca.pem,cert=./cert.pem,key=./key.pem`,
  );
  await expect(commands.getByRole("button", { name: `Copy for ${HOST}` })).toBeVisible();
});

test("a bulk re-issue lists each holder's old and new serial, is announced, and its bundles come as one zip", async ({
  page,
  baseURL,
}) => {
  test.setTimeout(300_000);
  // Short-lived certificates for both, so a 3-day bulk re-issue takes them.
  const old: Record<string, { id: string; serial: string }> = {};
  for (const [name, url] of [
    [HOST, `/api/v1/hosts/${hostId}/certificates`],
    [CLIENT, `/api/v1/clients/${clientId}/certificates`],
  ]) {
    const cert = await api.post(url, { data: { days: 2 } });
    expect(cert.status(), await cert.text()).toBe(201);
    old[name] = await cert.json();
  }
  const started = await api.post("/api/v1/jobs", { data: { scope: "expiring", days: 3 } });
  expect(started.status(), await started.text()).toBe(202);
  const jobId = (await started.json()).id;

  await page.goto(`/certificates/jobs/${jobId}`);
  await expect(page.getByTestId("job-status")).toContainText(/100% · \d+ of \d+ re-issued · done/, {
    timeout: 120_000,
  });
  await expect(page.getByRole("button", { name: "Cancel the job" })).toHaveCount(0);
  const results = page.getByTestId("job-results");
  const fresh: Record<string, string> = {};
  for (const name of [HOST, CLIENT]) {
    const row = results.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });
    await expect(row).toContainText(old[name].serial);
    await expect(row).toContainText("re-issued");
    const serial = row.locator("td").nth(2).getByRole("link");
    expect((await serial.textContent())?.trim()).toMatch(/^[0-9a-f]{8,}$/);
    expect((await serial.textContent())?.trim()).not.toBe(old[name].serial);
    fresh[name] = ((await serial.getAttribute("href")) ?? "").split("/").pop() as string;
    await expect(row.getByRole("link", { name: "bundle.zip" })).toBeVisible();
  }

  // Cancelling a job that has ended is refused.
  const cancel = await api.post(`/api/v1/jobs/${jobId}/cancel`);
  expect(cancel.status()).toBe(409);
  expect((await cancel.json()).error.message).toMatch(/already ended \(done\)/);

  // The old certificates are superseded now: a zip of them is refused by serial, unknown ids by count.
  const stale = await api.post("/api/v1/certificates/bundles.zip", { data: { ids: [old[HOST].id] } });
  expect(stale.status()).toBe(409);
  expect((await stale.json()).error.message).toContain(old[HOST].serial);
  const unknown = await api.post("/api/v1/certificates/bundles.zip", {
    data: { ids: [old[HOST].id, "00000000-0000-4000-8000-000000000000"] },
  });
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error.message).toBe("1 of the 2 certificates asked for does not exist.");

  // The overview says the job ended, until dismissed.
  await page.goto("/");
  const notice = page.getByTestId("job-finished");
  await expect(notice).toContainText(/Re-issue of (\d+) certificates? finished: \1 done, 0 failed\. See results\./);
  await notice.getByRole("button", { name: "Dismiss" }).click();
  await expect(notice).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId("job-finished")).toHaveCount(0);

  // Every new bundle as one zip, from the results page's button.
  await page.goto(`/certificates/jobs/${jobId}`);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: /Download all bundles \(\d+\)/ }).click(),
  ]);
  const dir = mkdtempSync(path.join(tmpdir(), "dockpki-e2e-install-"));
  await extract(readFileSync((await download.path()) as string), dir);
  const serverDir = path.join(dir, HOST);
  const clientDir = path.join(dir, CLIENT);
  expect(readFileSync(path.join(serverDir, "install.sh"), "utf8")).toContain(HOST);
  expect(readFileSync(path.join(clientDir, "cert.pem"), "utf8")).toContain("BEGIN CERTIFICATE");

  // The same bundles as a dashboard form post (ids repeated), which must come from the dashboard's pages.
  const body = Object.values(fresh)
    .map((id) => `ids=${encodeURIComponent(id)}`)
    .join("&");
  const headers = { "content-type": "application/x-www-form-urlencoded" };
  const posted = await page.request.post("/api/v1/certificates/bundles.zip", {
    headers: { ...headers, origin: baseURL as string },
    data: body,
  });
  expect(posted.status(), await posted.text()).toBe(200);
  const folders = [...(await unzip(await posted.body())).keys()].filter((n) => /^[^/]+\/$/.test(n));
  expect(folders.sort()).toEqual([`${CLIENT}/`, `${HOST}/`]);
  const elsewhere = await page.request.post("/api/v1/certificates/bundles.zip", {
    headers: { ...headers, origin: "https://elsewhere.example" },
    data: body,
  });
  expect(elsewhere.status()).toBe(401);

  const skip = skipWithoutDocker();
  test.skip(!!skip, skip || "");
  const { own, second } = judgeBundles(serverDir, clientDir);
  expect(own.status, own.output).toBe(0);
  if (second) expect(second.status, second.output).toBe(0);
});
