import { type Browser, expect, type Page, test } from "@playwright/test";
import { type OwnDashboard, startOwnDashboard } from "../lib/test-support/own-dashboard";

// A dashboard of its own with more hosts than the client page offers "every host" for, and a bulk
// re-issue cancelled from its page: the job stops taking items, what is done stays done, and the
// page says so. RSA-4096 leaves with the key pool off keep the job running for many seconds, long
// enough to be caught running.
test.describe.configure({ mode: "serial" });
test.setTimeout(240_000);
test.use({ storageState: { cookies: [], origins: [] } });

const PASSWORD = "a long enough password here";
// Hosts with a certificate each (the job's items), and more without, past the client page's 50.
const HOSTS = 24;
const ALL_HOSTS = 53;
let dash: OwnDashboard;
let clientId: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dash = await startOwnDashboard("fleet");
  dash.cli(["ca", "create", "--cn", "Fleet CA"]);
  for (let i = 0; i < ALL_HOSTS; i++) {
    const host = await dash.api.post("/api/v1/hosts", { data: { name: `node-${i}`, dnsNames: [`node-${i}.test`] } });
    expect(host.status(), await host.text()).toBe(201);
    if (i >= HOSTS) continue;
    const cert = await dash.api.post(`/api/v1/hosts/${(await host.json()).id}/certificates`, { data: { days: 10 } });
    expect(cert.status(), await cert.text()).toBe(201);
  }
  const client = await dash.api.post("/api/v1/clients", { data: { name: "fleet-ci" } });
  clientId = (await client.json()).id;
  const cert = await dash.api.post(`/api/v1/clients/${clientId}/certificates`, { data: { days: 90 } });
  expect(cert.status(), await cert.text()).toBe(201);
  const settings = await dash.api.patch("/api/v1/settings", {
    data: { leafKeyType: "rsa", leafKeySize: 4096, keyPoolSize: 0 },
  });
  expect(settings.status(), await settings.text()).toBe(200);
});

test.afterAll(async () => {
  await dash?.stop();
});

async function signIn(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto(`${dash.base}/login`);
  await page.getByLabel("Username").fill("fleet-admin");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  return page;
}

test("the overview's checklist shows the one step left, and goes once a first bundle is downloaded", async ({
  browser,
}) => {
  const page = await signIn(browser);
  const checklist = page.getByTestId("start-checklist");
  await expect(checklist).toBeVisible();
  await expect(checklist.locator("li[data-done='true']")).toHaveCount(3);
  await expect(checklist.locator("li[data-done='false']")).toHaveText(/Issue a certificate and download its bundle/);
  const [cert] = (await (await dash.api.get(`/api/v1/clients/${clientId}/certificates`)).json()).certificates;
  // Above 50 hosts a client bundle names the host its env.sh points at.
  const [host] = (await (await dash.api.get("/api/v1/hosts?q=node-7")).json()).hosts;
  const zip = await dash.api.get(`/api/v1/certificates/${cert.id}/bundle.zip?host=${host.id}`);
  expect(zip.status(), await zip.text()).toBe(200);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(checklist).toHaveCount(0);
  await page.context().close();
});

test("above 50 hosts a client's page says why 'every host' is gone, and its download names the chosen one", async ({
  browser,
}) => {
  const page = await signIn(browser);
  await page.goto(`${dash.base}/clients/${clientId}`);
  await expect(page.getByText(`“Every host” is offered up to 50 hosts. With ${ALL_HOSTS},`)).toBeVisible();
  await expect(page.getByRole("option", { name: /every host/ })).toHaveCount(0);
  await page.getByLabel("Find a host").fill("node-42");
  await expect(page.getByText(`1 of ${ALL_HOSTS} hosts shown`)).toBeVisible();
  await expect(page.getByRole("link", { name: "Download client bundle" })).toHaveAttribute(
    "href",
    /bundle\.zip\?host=[0-9a-f-]{36}$/,
  );
  await page.context().close();
});

test("a running re-issue is cancelled from its page: it stops, and what was re-issued stays", async ({ browser }) => {
  const page = await signIn(browser);
  const context = page.context();

  const started = await dash.api.post("/api/v1/jobs", { data: { scope: "expiring", days: 30 } });
  expect(started.status(), await started.text()).toBe(202);
  const jobId = (await started.json()).id;
  await page.goto(`${dash.base}/certificates/jobs/${jobId}`);
  await expect(page.getByTestId("job-status")).toContainText("running");
  // Once an item is through, the page estimates the rest from the pace so far.
  await expect(page.getByTestId("job-status")).toContainText(/about \d+ (s|min) left/, { timeout: 60_000 });

  await page.getByRole("button", { name: "Cancel the job" }).click();
  await expect(page.getByTestId("job-status")).toContainText("cancelled", { timeout: 60_000 });
  await expect(page.getByRole("button", { name: "Cancel the job" })).toHaveCount(0);

  // Items already being re-issued when the cancel came finish (a cancel stops the job between items):
  // until they have, the job's count and the certificates can each move between two reads.
  const settled = async () => {
    const job = await (await dash.api.get(`/api/v1/jobs/${jobId}`)).json();
    const certs = (await (await dash.api.get("/api/v1/certificates?status=active&pageSize=100")).json()).certificates;
    const again = await (await dash.api.get(`/api/v1/jobs/${jobId}`)).json();
    const reissued = certs.filter((c: { keyType: string }) => c.keyType === "rsa").length;
    return { job, reissued, steady: again.done === job.done };
  };
  let last = await settled();
  // Exactly the items counted done got a new certificate; the rest keep their old one.
  await expect
    .poll(
      async () => {
        last = await settled();
        return last.steady && last.reissued === last.job.done;
      },
      { timeout: 60_000 },
    )
    .toBe(true);
  const { job } = last;
  expect(job.status).toBe("cancelled");
  expect(job.total).toBe(HOSTS);
  expect(job.done).toBeGreaterThan(0);
  expect(job.done).toBeLessThan(HOSTS);
  // An ended job cannot be cancelled again.
  const again = await dash.api.post(`/api/v1/jobs/${jobId}/cancel`);
  expect(again.status()).toBe(409);
  await context.close();
});
