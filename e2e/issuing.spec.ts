import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { judgeBundles, skipWithoutDocker } from "../lib/test-support/docker-judge";
import { extract } from "../lib/test-support/zip";

// The path an admin takes: a CA, hosts of both configuration styles and a client, then the two
// zips downloaded through the browser, unzipped, and judged by a real dockerd and docker CLI.
test.describe.configure({ mode: "serial" });

interface NewHost {
  name: string;
  style: "systemd" | "daemon-json";
  tlsOnly?: boolean;
  /** Defaults: DNS localhost, IP 127.0.0.1 (where the judges dial). */
  dnsNames?: string;
  ipAddresses?: string;
  localAccess?: boolean;
}

async function addHost(page: Page, host: NewHost) {
  await page.goto("/hosts/new");
  await page.getByLabel("Name", { exact: true }).fill(host.name);
  await page.getByLabel("DNS names").fill(host.dnsNames ?? "localhost");
  await page.getByLabel("IP addresses").fill(host.ipAddresses ?? "127.0.0.1");
  await page.getByLabel("Daemon configuration").selectOption(host.style);
  if (host.tlsOnly) await page.getByLabel("Client verification").selectOption("tls-only");
  if (host.localAccess) await page.getByLabel(/Reachable locally over TLS/).check();
  await page.getByRole("button", { name: "Add host" }).click();
  await expect(page.getByRole("heading", { name: host.name })).toBeVisible();
}

async function issueAndDownload(page: Page, buttonName: string): Promise<string> {
  await page.getByRole("button", { name: /Issue certificate|Issue a new certificate/ }).click();
  await expect(page.getByText("Certificate issued.")).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: buttonName }).click(),
  ]);
  const dir = mkdtempSync(path.join(tmpdir(), "dockpki-e2e-zip-"));
  const zipPath = path.join(dir, download.suggestedFilename());
  await download.saveAs(zipPath);
  await extract(readFileSync(zipPath), dir);
  return dir;
}

const bundles: Record<string, string> = {};

test("create a CA", async ({ page }) => {
  await page.goto("/ca");
  await expect(page.getByText("No CA yet.")).toBeVisible();
  await page.getByLabel("Common name").fill("e2e Docker CA");
  await page.getByRole("button", { name: "Create CA" }).click();
  await expect(page.getByTestId("ca-fingerprint-active")).toHaveText(/^[0-9a-f]{64}$/);
  await expect(page.getByRole("link", { name: "Download ca.pem" })).toBeVisible();
});

test("bad host input is refused next to the field and stores nothing", async ({ page }) => {
  await page.goto("/hosts/new");
  await page.getByLabel("Name", { exact: true }).fill('x"; rm -rf /');
  await page.getByLabel("DNS names").fill("-bad-.example\na..b");
  await page.getByLabel("IP addresses").fill("999.1.1.1");
  await page.getByLabel("TLS port").fill("2375");
  await page.getByRole("button", { name: "Add host" }).click();
  await expect(page.getByText("Please correct the marked fields.")).toBeVisible();
  await expect(page.getByText(/999\.1\.1\.1 is not a valid IPv4 or IPv6 address/)).toBeVisible();
  await expect(page.locator("#dnsNames-error").first()).toBeVisible();
  await expect(page.locator("#name-error").first()).toBeVisible();
  await expect(page.locator("#port-error").first()).toBeVisible();
  await page.goto("/hosts");
  await expect(page.getByText("No hosts yet.")).toBeVisible();
});

test("a systemd host: issue and download its server bundle", async ({ page }) => {
  await addHost(page, { name: "local-systemd", style: "systemd" });
  bundles.systemd = path.join(await issueAndDownload(page, "Download server bundle"), "local-systemd");
  const files = ["ca.pem", "cert.pem", "key.pem", "custom.conf", "install.sh", "README.txt"];
  for (const f of files) expect(statSync(path.join(bundles.systemd, f)).isFile()).toBe(true);
  expect(statSync(path.join(bundles.systemd, "key.pem")).mode & 0o777).toBe(0o600);
  expect(readFileSync(path.join(bundles.systemd, "custom.conf"), "utf8")).toContain("--tlsverify");
});

test("a daemon.json host: issue and download its server bundle", async ({ page }) => {
  await addHost(page, { name: "local-json", style: "daemon-json" });
  bundles.json = path.join(await issueAndDownload(page, "Download server bundle"), "local-json");
  const daemon = JSON.parse(readFileSync(path.join(bundles.json, "daemon.json"), "utf8"));
  expect(daemon.tlsverify).toBe(true);
  expect(daemon.hosts).toContain("tcp://0.0.0.0:2376");
});

test("a TLS-only host carries its warning in the page and the bundle", async ({ page }) => {
  await page.goto("/hosts/new");
  await page.getByLabel("Client verification").selectOption("tls-only");
  await expect(page.getByText(/TLS only: dockerd will accept any client/)).toBeVisible();
  await addHost(page, { name: "open-host", style: "systemd", tlsOnly: true });
  await expect(page.getByText(/TLS only: this daemon does not ask clients for a certificate/)).toBeVisible();
  const dir = path.join(await issueAndDownload(page, "Download server bundle"), "open-host");
  expect(readFileSync(path.join(dir, "README.txt"), "utf8")).toMatch(/WARNING/);
  // dockerd turns verification on with --tls alone; tls-only has to say --tlsverify=false.
  expect(readFileSync(path.join(dir, "custom.conf"), "utf8")).toContain("--tlsverify=false");
});

// Hosts known only by a name nobody can resolve here: the daemon's certificate is good for 127.0.0.1
// (where the judges dial) only when the host is marked reachable locally.
test("a host reachable locally: its certificate also covers localhost and 127.0.0.1", async ({ page }) => {
  await addHost(page, { name: "far-only", style: "systemd", dnsNames: "far-only.example.com", ipAddresses: "" });
  bundles.farOnly = path.join(await issueAndDownload(page, "Download server bundle"), "far-only");
  await addHost(page, {
    name: "far-local",
    style: "systemd",
    dnsNames: "far-local.example.com",
    ipAddresses: "",
    localAccess: true,
  });
  await expect(page.getByText(/· reachable locally \(localhost, 127\.0\.0\.1\)/)).toBeVisible();
  bundles.farLocal = path.join(await issueAndDownload(page, "Download server bundle"), "far-local");
  await expect(page.getByRole("cell", { name: "far-local.example.com, localhost, 127.0.0.1" })).toBeVisible();
  expect(readFileSync(path.join(bundles.farLocal, "README.txt"), "utf8")).toMatch(
    /this host's certificate, for: far-local\.example\.com, localhost, 127\.0\.0\.1/,
  );
  // Turning it off again is a change of names: the page asks for a new certificate.
  await page.getByLabel(/Reachable locally over TLS/).uncheck();
  await page.getByRole("button", { name: "Save host" }).click();
  await expect(
    page.getByText(/names or IP addresses changed since its certificate was issued \(reachable locally counts too\)/),
  ).toBeVisible();
});

test("a client: issue and download its bundle with env.sh for a chosen host", async ({ page }) => {
  await page.goto("/clients/new");
  await page.getByLabel("Name", { exact: true }).fill("e2e-laptop");
  await page.getByRole("button", { name: "Add client" }).click();
  await expect(page.getByRole("heading", { name: "e2e-laptop" })).toBeVisible();
  await page.getByRole("button", { name: "Issue certificate" }).click();
  await expect(page.getByText("Certificate issued.")).toBeVisible();
  await page.getByLabel("env.sh for").selectOption({ label: "local-systemd" });
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download client bundle" }).click(),
  ]);
  const dir = mkdtempSync(path.join(tmpdir(), "dockpki-e2e-zip-"));
  await download.saveAs(path.join(dir, "client.zip"));
  await extract(readFileSync(path.join(dir, "client.zip")), dir);
  bundles.client = path.join(dir, "e2e-laptop");
  const env = readFileSync(path.join(bundles.client, "env.sh"), "utf8");
  expect(env).toContain("DOCKER_TLS_VERIFY=1");
  expect(env).toMatch(/DOCKER_HOST=.*tcp:\/\/localhost:2376/);
  expect(statSync(path.join(bundles.client, "key.pem")).mode & 0o777).toBe(0o600);
});

// scripts/docker-judge.sh judges them, and ../shared's check-bundle.sh too when it is there.
test.describe("the real dockerd and docker CLI accept the downloaded bundles", () => {
  test.beforeEach(() => {
    const skip = skipWithoutDocker();
    test.skip(!!skip, skip || "");
  });
  test.setTimeout(300_000);

  for (const style of ["systemd", "json"] as const) {
    test(`${style} server bundle + client bundle`, () => {
      const { own, second } = judgeBundles(bundles[style], bundles.client);
      expect(own.status, own.output).toBe(0);
      if (second) expect(second.status, second.output).toBe(0);
    });
  }

  test("a host known only by name is refused on 127.0.0.1, and accepted once reachable locally", () => {
    const refused = judgeBundles(bundles.farOnly, bundles.client);
    expect(refused.own.status, refused.own.output).toBe(1);
    // Refused for the name alone (same CA and client as the accepted pair below).
    expect(refused.own.output).toMatch(
      /^FAIL {2}docker version over tcp:\/\/127\.0\.0\.1:2376 with the client bundle/m,
    );
    expect(refused.own.output).toMatch(/doesn't contain any IP SANs/);
    if (refused.second) {
      expect(refused.second.status, refused.second.output).not.toBe(0);
      expect(refused.second.output).toMatch(/no SAN for connect host 127\.0\.0\.1/);
      expect(refused.second.output).toMatch(/doesn't contain any IP SANs/);
    }
    const accepted = judgeBundles(bundles.farLocal, bundles.client);
    expect(accepted.own.status, accepted.own.output).toBe(0);
    if (accepted.second) expect(accepted.second.status, accepted.second.output).toBe(0);
  });
});
