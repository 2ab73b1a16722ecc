import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ADMIN } from "./helpers";

// What the server layer (scripts/server.mjs, proxy.ts) guarantees before a request reaches a page
// or route: whose address it is, how much body it may send, which methods exist, what a page may
// run. And that a dashboard which cannot work does not start at all.

const NO_SESSION = { cookies: [], origins: [] };

/** A raw HTTP request, for what Playwright's client will not send (chunked bodies, odd methods). */
function raw(
  baseURL: string,
  opts: { method: string; path: string; headers?: Record<string, string>; body?: Buffer; chunked?: boolean },
): Promise<{ status: number; body: string }> {
  const url = new URL(opts.path, baseURL);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname, method: opts.method, headers: opts.headers },
      (res) => {
        let body = "";
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    if (opts.body && opts.chunked) {
      for (let i = 0; i < opts.body.length; i += 64 * 1024) req.write(opts.body.subarray(i, i + 64 * 1024));
    } else if (opts.body) req.write(opts.body);
    req.end();
  });
}

function serverActionId(name: string): string {
  const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
    node: Record<string, { exportedName?: string }>;
  };
  const [id] = Object.entries(manifest.node).find(([, entry]) => entry.exportedName === name) ?? [];
  expect(id, `server action ${name}`).toBeTruthy();
  return id as string;
}

test.describe("the client's address", () => {
  test.use({ storageState: NO_SESSION });

  test("a failed sign-in is logged and throttled under the socket's address, whatever X-Forwarded-For says", async ({
    browser,
    baseURL,
  }) => {
    const anon = await browser.newContext({
      storageState: NO_SESSION,
      extraHTTPHeaders: { "X-Forwarded-For": "203.0.113.99", "X-Real-IP": "203.0.113.98" },
    });
    const p = await anon.newPage();
    await p.goto("/login");
    await p.getByLabel("Username").fill("xff-probe");
    await p.getByLabel("Password").fill("not the password at all");
    await p.getByRole("button", { name: "Sign in" }).click();
    await expect(p.getByText("Unknown username or wrong password.")).toBeVisible();
    await anon.close();

    const admin = await browser.newContext({ storageState: "e2e/.auth/admin.json", baseURL });
    const res = await admin.request.get("/api/v1/audit.json?action=auth.login_failed&actor=xff-probe");
    expect(res.status()).toBe(200);
    const events = (await res.json()) as { ip: string }[];
    expect(events.map((e) => e.ip)).toEqual(["127.0.0.1"]);
    await admin.close();
  });
});

test.describe("what the server refuses before anything reads it", () => {
  test.use({ storageState: NO_SESSION });

  test("TRACE is 405 (and Node's parser refuses TRACK outright)", async ({ baseURL }) => {
    for (const target of ["/login", "/api/v1/hosts"]) {
      expect((await raw(baseURL as string, { method: "TRACE", path: target })).status, `TRACE ${target}`).toBe(405);
      expect((await raw(baseURL as string, { method: "TRACK", path: target })).status).toBeGreaterThanOrEqual(400);
    }
  });

  // Only the headers are sent: the answer comes before a byte of the body would be read.
  test("a body declared over 1 MB is 413 before it is read (JSON under /api)", async ({ baseURL }) => {
    const declared = await raw(baseURL as string, {
      method: "POST",
      path: "/api/v1/hosts",
      headers: { "Content-Type": "application/json", "Content-Length": String(2 * 1024 * 1024) },
    });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body).error.message).toMatch(/larger than 1 MB/);
  });

  test("a server action over 1 MB is 413, and a page body without a length is 411, not 500", async ({ baseURL }) => {
    const action = serverActionId("loginAction");
    const headers = { "Next-Action": action, "Content-Type": "text/plain;charset=UTF-8" };
    const sized = await raw(baseURL as string, {
      method: "POST",
      path: "/login",
      headers: { ...headers, "Content-Length": String(2 * 1024 * 1024) },
    });
    expect(sized.status).toBe(413);
    const chunked = await raw(baseURL as string, {
      method: "POST",
      path: "/login",
      headers,
      body: Buffer.from("[]"),
      chunked: true,
    });
    expect(chunked.status).toBe(411);
    // A form post without JavaScript carries no Next-Action header: the same rule holds for any page.
    const plain = await raw(baseURL as string, {
      method: "POST",
      path: "/login",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: Buffer.from("a=b"),
      chunked: true,
    });
    expect(plain.status).toBe(411);
  });
});

test("a chunked API body is cut off at 1 MB with 413, and a token holder is not let past it", async ({
  page,
  baseURL,
}) => {
  await page.goto("/settings");
  await page.getByLabel("Name", { exact: true }).fill("hardening-413");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = ((await page.getByTestId("new-token").textContent()) ?? "").trim();
  const body = Buffer.alloc(3 * 1024 * 1024, 0x20);
  const res = await raw(baseURL as string, {
    method: "POST",
    path: "/api/v1/hosts",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body,
    chunked: true,
  });
  expect(res.status).toBe(413);
  expect(JSON.parse(res.body).error.message).toMatch(/larger than 1 MB/);
});

test("pages carry a nonce Content-Security-Policy, and the dashboard runs under it without a violation", async ({
  page,
}) => {
  const violations: string[] = [];
  page.on("console", (msg) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(msg.text())) violations.push(msg.text());
  });
  const response = await page.goto("/settings");
  const csp = response?.headers()["content-security-policy"] ?? "";
  expect(csp).toContain("default-src 'self'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(csp).toContain("frame-ancestors 'none'");
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  const html = (await response?.text()) ?? "";
  expect(html).toContain(`nonce="${nonce}"`);
  // Client components hydrate and act: a form that the server answers.
  await page.getByLabel("Name", { exact: true }).fill("csp-check");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByTestId("new-token")).toBeVisible();
  for (const path of ["/", "/hosts", "/ca", "/audit"]) await page.goto(path);
  expect(violations).toEqual([]);
  // Another page load gets another nonce.
  const again = (await page.goto("/settings"))?.headers()["content-security-policy"] ?? "";
  expect(again).not.toBe(csp);
});

test.describe("a dashboard that cannot work does not start", () => {
  function start(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ["scripts/server.mjs"], {
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PORT: "3199", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (d) => {
        output += d;
      });
      child.stderr.on("data", (d) => {
        output += d;
      });
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      child.on("exit", (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });
  }

  test("a foreign database file: exit 1 before listening, with how to restore", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "dockpki-e2e-bad-db-"));
    writeFileSync(path.join(dir, "dockpki.db"), "this is not a database ".repeat(200));
    const { code, output } = await start({ DOCKPKI_DATA_DIR: dir });
    expect(code).toBe(1);
    expect(output).toMatch(/dockpki will not start: the database .* cannot be used: file is not a database/);
    expect(output).toMatch(/dockpki restore BACKUP\.zip --force/);
    expect(output).not.toMatch(/listening on/);
  });

  test("a bad DOCKPKI_TRUSTED_PROXIES: exit 1 with the entry named", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "dockpki-e2e-proxies-"));
    const { code, output } = await start({
      DOCKPKI_DATA_DIR: dir,
      DOCKPKI_TRUSTED_PROXIES: "10.0.0.0/8, proxy.example",
    });
    expect(code).toBe(1);
    expect(output).toContain('DOCKPKI_TRUSTED_PROXIES: "proxy.example" is not an IP address or CIDR');
  });
});

test("the suite's admin still signs in (the throttle spared it)", async ({ browser }) => {
  const anon = await browser.newContext({ storageState: NO_SESSION });
  const p = await anon.newPage();
  await p.goto("/login");
  await p.getByLabel("Username").fill(ADMIN.username);
  await p.getByLabel("Password").fill(ADMIN.password);
  await p.getByRole("button", { name: "Sign in" }).click();
  await expect(p.getByRole("heading", { name: "Overview" })).toBeVisible();
  await anon.close();
});
