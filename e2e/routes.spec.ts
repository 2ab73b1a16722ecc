import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";

// Enumerates the app's pages, route handlers and server actions from the source tree, so a new
// one without a session check fails here without anyone having to remember to add it.
const APP = path.resolve("app");
const PUBLIC_PAGES = new Set(["/login", "/setup"]);
// The health check says only whether the database answers, to load balancers and the error page.
const DUMMY_ID = "00000000-0000-4000-8000-000000000000";
// Routes that prove the caller themselves (lib/renewal/PROTOCOL.md): a signature by the current
// certificate's key, or a one-time enrollment token. Each is checked below without credentials.
const SELF_AUTHENTICATING = ["/api/v1/renew", "/api/v1/renew/report", "/api/v1/enroll", `/enroll/${DUMMY_ID}`];
const PUBLIC_ROUTES = new Set(["/api/health", ...SELF_AUTHENTICATING]);
// The two actions that must work signed out: signing in, and creating the very first admin.
const PUBLIC_ACTIONS = new Set(["loginAction", "setupAction"]);

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

function urlOf(file: string): string {
  const segments = path
    .relative(APP, path.dirname(file))
    .split(path.sep)
    .filter((s) => s && !/^\(.*\)$/.test(s))
    .map((s) => (/^\[.*\]$/.test(s) ? DUMMY_ID : s));
  return `/${segments.join("/")}`;
}

const files = walk(APP).filter((f) => !f.split(path.sep).some((s) => s.startsWith("_")));
const pages = files.filter((f) => f.endsWith("page.tsx")).map(urlOf);
const routes = files
  .filter((f) => f.endsWith("route.ts"))
  .map((f) => {
    const source = readFileSync(f, "utf8");
    const direct = [...source.matchAll(/export (?:const|async function) (GET|HEAD|POST|PUT|PATCH|DELETE)\b/g)].map(
      (m) => m[1],
    );
    const destructured = [...source.matchAll(/export const \{([^}]+)\}/g)].flatMap((m) =>
      m[1].split(",").map((n) => n.trim()),
    );
    const methods = [...direct, ...destructured.filter((n) => /^(GET|HEAD|POST|PUT|PATCH|DELETE)$/.test(n))];
    return { url: urlOf(f), methods };
  });
const actionFiles = files.filter((f) => /^["']use server["']/.test(readFileSync(f, "utf8").trimStart()));

test("the route inventory found the app", () => {
  expect(pages).toContain("/settings");
  expect(pages).toContain("/login");
  expect(routes.map((r) => r.url)).toContain("/api/v1/ca");
  // Every route handler exports at least one method the enumeration could see.
  for (const route of routes) expect(route.methods.length, route.url).toBeGreaterThan(0);
  expect(actionFiles.length).toBeGreaterThan(2);
});

test("every route that changes something names the permission it needs", () => {
  for (const file of files.filter((f) => f.endsWith("route.ts"))) {
    const source = readFileSync(file, "utf8");
    if (!/export const (POST|PATCH|PUT|DELETE) = apiRoute/.test(source)) continue;
    const writes = source.match(/export const (POST|PATCH|PUT|DELETE) = apiRoute/g)?.length ?? 0;
    const named = source.match(/permission: "[a-z]+"/g)?.length ?? 0;
    expect(named, path.relative(".", file)).toBeGreaterThanOrEqual(writes);
  }
});

test.describe("anonymous callers", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  for (const url of pages.filter((p) => !PUBLIC_PAGES.has(p))) {
    test(`page ${url} sends a forged session to sign-in`, async ({ page, context, baseURL }) => {
      // A cookie gets past the proxy's cheap check, so this reaches the page's own check.
      await context.addCookies([{ name: "dockpki_session", value: "forged", url: baseURL as string }]);
      const response = await page.goto(url);
      await expect(page).toHaveURL(/\/login$/);
      expect(response?.status()).toBeLessThan(500);
    });
  }

  test("renewal and enrollment refuse callers that prove nothing", async ({ request }) => {
    const time = Math.floor(Date.now() / 1000);
    const signature = Buffer.alloc(256, 1).toString("base64");
    const csr = Buffer.from("not a csr").toString("base64");
    const serial = "7f".repeat(16);
    const renew = await request.post("/api/v1/renew", { data: { serial, time, csr, signature } });
    expect(renew.status()).toBe(401);
    const report = await request.post("/api/v1/renew/report", {
      data: { serial, time, outcome: "ok", servedSerial: "", message: "", signature },
    });
    expect(report.status()).toBe(401);
    expect((await request.post("/api/v1/renew", { data: {} })).status()).toBe(400);
    const enroll = await request.post("/api/v1/enroll", { data: { token: "A".repeat(43), csr } });
    expect(enroll.status()).toBe(404);
    const installer = await request.get(`/enroll/${"A".repeat(43)}`);
    expect(installer.status()).toBe(404);
    expect(await installer.text()).toMatch(/^#!\/bin\/sh\n.*exit 1\n$/s);
  });

  test("the public health check answers without a session, and says no more than whether the database works", async ({
    request,
  }) => {
    const response = await request.get("/api/health");
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  for (const { url, methods } of routes.filter((r) => !PUBLIC_ROUTES.has(r.url))) {
    for (const method of methods) {
      test(`${method} ${url} answers 401 without a token, with a forged one, and with a forged session`, async ({
        request,
      }) => {
        const attempts: Record<string, string>[] = [
          {},
          { authorization: "Bearer dpk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
          { authorization: "Bearer not-a-token" },
          { cookie: "dockpki_session=forged" },
        ];
        for (const headers of attempts) {
          const response = await request.fetch(url, {
            method,
            headers,
            data: method === "GET" || method === "HEAD" ? undefined : {},
            maxRedirects: 0,
          });
          expect(response.status(), `${method} ${url} with ${JSON.stringify(headers)}`).toBe(401);
          if (method === "HEAD") continue; // a HEAD answer has no body
          const body = await response.json();
          expect(typeof body.error.message).toBe("string");
        }
      });
    }
  }

  test("every server action refuses a forged session", async ({ request }) => {
    const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8"));
    const actions = Object.entries(
      manifest.node as Record<string, { exportedName?: string; workers: Record<string, unknown> }>,
    );
    expect(actions.length).toBeGreaterThan(5);
    for (const [id, entry] of actions) {
      const name = entry.exportedName ?? id;
      const worker =
        Object.keys(entry.workers)[0]
          .replace(/^app/, "")
          .replace(/\/page$/, "") || "/";
      const pagePath =
        worker
          .split("/")
          .filter((s) => !/^\(.*\)$/.test(s))
          .map((s) => (/^\[.*\]$/.test(s) ? DUMMY_ID : s))
          .join("/") || "/";
      if (PUBLIC_ACTIONS.has(name)) continue;
      // Arguments encoded as React sends them; the session check comes before any argument is read.
      const response = await request.post(pagePath, {
        headers: {
          "Next-Action": id,
          cookie: "dockpki_session=forged",
          Accept: "text/x-component",
          "Content-Type": "text/plain;charset=UTF-8",
        },
        data: "[]",
        maxRedirects: 0,
      });
      const redirect = response.headers()["x-action-redirect"] ?? response.headers().location ?? "";
      expect(redirect, `action ${name} (${pagePath}) must redirect a forged session to /login`).toMatch(/^\/login/);
    }
  });
});

// What each API route needs, written down here rather than read from the routes, so a route that
// declares too little fails. Checked for every route and method with a token of each role and scope.
type Need = "read" | "audit" | "inventory" | "issue" | "download" | "revoke" | "admin";
function needOf(url: string, method: string): Need {
  const write = method !== "GET" && method !== "HEAD";
  const at = (re: RegExp) => re.test(url);
  if (at(/^\/api\/v1\/(admins|tokens)(\/|$)/)) return "admin";
  if (at(/^\/api\/v1\/audit\.(csv|json)$/)) return "audit";
  if (at(/\/bundles?\.(zip|p12)$/)) return "download";
  // A channel's SMTP host, login and recipients: only for those who may change it, as on Settings.
  if (at(/^\/api\/v1\/alert-channels(\/|$)/)) return "admin";
  if (!write) return "read";
  if (at(/^\/api\/v1\/(ca|cas|settings|alert-channels|alerts)(\/|$)/)) return "admin";
  if (at(/\/revoke$/)) return "revoke";
  if (at(/\/(certificates|reissue|cancel)$|^\/api\/v1\/jobs$/)) return "issue";
  return "inventory";
}
const GRANTS: Record<string, Need[]> = {
  operator: ["read", "audit", "inventory", "issue", "download", "revoke"],
  auditor: ["read", "audit"],
  read: ["read"],
  issue: ["read", "issue", "download"],
  metrics: [],
};

test.describe("each role and scope", () => {
  const tokens: Record<string, string> = {};
  test.beforeAll(async ({ browser }) => {
    const page = await browser.newPage({ storageState: "e2e/.auth/admin.json" });
    for (const scope of Object.keys(GRANTS)) {
      await page.goto("/settings");
      // Unique per run: a retried worker runs this again against the same dashboard.
      await page.getByLabel("Name", { exact: true }).fill(`routes-${scope}-${Date.now()}`);
      await page.getByLabel("What it may do").selectOption(scope);
      await page.getByRole("button", { name: "Create token" }).click();
      tokens[scope] = ((await page.getByTestId("new-token").textContent()) ?? "").trim();
    }
    await page.close();
  });

  for (const { url, methods } of routes.filter((r) => !PUBLIC_ROUTES.has(r.url))) {
    for (const method of methods) {
      const need = url === "/metrics" ? null : needOf(url, method);
      test(`${method} ${url}: refused (403) to every token that may not ${need ?? "read metrics"}`, async ({
        request,
      }) => {
        for (const [scope, token] of Object.entries(tokens)) {
          const allowed = need === null ? scope !== "read" && scope !== "issue" : GRANTS[scope].includes(need);
          // Only refusals are sent a body-less request that could act; an allowed caller gets a dummy id or an empty body.
          if (allowed && method !== "GET" && method !== "HEAD" && scope !== "operator") continue;
          const response = await request.fetch(url, {
            method,
            headers: { authorization: `Bearer ${token}` },
            data: method === "GET" || method === "HEAD" ? undefined : {},
            maxRedirects: 0,
          });
          const label = `${method} ${url} with a ${scope} token`;
          if (allowed) {
            expect([401, 403], label).not.toContain(response.status());
          } else {
            expect(response.status(), label).toBe(403);
            if (method !== "HEAD") expect((await response.json()).error.requiredRole, label).toBeTruthy();
          }
        }
      });
    }
  }
});

test("every exported server action checks the session first", () => {
  for (const file of actionFiles) {
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(/export async function (\w+)\([^)]*\)[^{]*\{\n(\s*.*)/g)) {
      const [, name, firstLine] = match;
      if (PUBLIC_ACTIONS.has(name)) continue;
      expect(firstLine, `${path.relative(".", file)}: ${name}`).toMatch(/await requireAdmin\(\)/);
    }
  }
});
