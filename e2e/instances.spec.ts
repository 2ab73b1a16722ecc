import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { type OwnDashboard, startOwnDashboard } from "../lib/test-support/own-dashboard";
import { findPostgresBin, POSTGRES_MISSING, type PostgresCluster, startPostgres } from "../lib/test-support/postgres";

// Two dockpki instances on one PostgreSQL database, as behind a load balancer: issuances on both at once, a bulk
// re-issue whose instance is killed half-way, revocations on both. What each instance answers is checked against
// what the database holds. A cluster and two dashboards of its own: the suite's shared dashboard is not touched.

const postgresMissing = findPostgresBin() === null && process.env.DOCKPKI_REQUIRE_POSTGRES !== "1";
if (postgresMissing) console.warn(`\n*** e2e/instances.spec.ts skipped: ${POSTGRES_MISSING}\n`);
test.skip(postgresMissing, POSTGRES_MISSING);
test.use({ storageState: { cookies: [], origins: [] } });

const CONCURRENCY = 16;
const execFileAsync = promisify(execFile);
let cluster: PostgresCluster | undefined;
let dashboards: [OwnDashboard, OwnDashboard] | undefined;
/** Every dashboard started, for afterAll: one may have started when the other did not. */
const running: OwnDashboard[] = [];
let sql: pg.Pool | undefined;
let caDir: string | undefined;

function instances(): [OwnDashboard, OwnDashboard] {
  if (!dashboards) throw new Error("the instances did not start");
  return dashboards;
}

/** Instance A for even items, B for odd ones: work split evenly, and neighbours in a list on different instances. */
const on = (i: number): OwnDashboard => instances()[i % 2];

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
  if (!sql) throw new Error("the database did not start");
  return (await sql.query<T>(text, values)).rows;
}

/** Runs `work` on every item, `limit` at a time; the results in the items' order. */
async function inParallel<T, R>(items: T[], limit: number, work: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i], i);
    }),
  );
  return results;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

async function createHosts(prefix: string, count: number): Promise<string[]> {
  return inParallel(range(count), CONCURRENCY, async (i) => {
    const res = await on(i).api.post("/api/v1/hosts", {
      data: { name: `${prefix}-${i}`, dnsNames: [`${prefix}-${i}.example.com`] },
    });
    expect(res.status(), await res.text()).toBe(201);
    return (await res.json()).id as string;
  });
}

interface Issued {
  status: number;
  id: string;
  serial: string;
  message?: string;
}

async function issue(dash: OwnDashboard, hostId: string): Promise<Issued> {
  const res = await dash.api.post(`/api/v1/hosts/${hostId}/certificates`, { data: {} });
  const body = await res.json();
  return { status: res.status(), id: body.id, serial: body.serial, message: body.error?.message };
}

/** Issues one certificate per host, split across both instances; every one must be 201. */
async function issueEach(hostIds: string[]): Promise<Issued[]> {
  const issued = await inParallel(hostIds, CONCURRENCY, (hostId, i) => issue(on(i), hostId));
  expect(issued.filter((r) => r.status !== 201)).toEqual([]);
  return issued;
}

interface Crl {
  number: number;
  serials: string[];
}

let crlReads = 0;

/** GET /api/v1/crl.pem from one instance, its signature checked against the CA by openssl, and what it lists. */
async function readCrl(dash: OwnDashboard): Promise<Crl> {
  const res = await dash.api.get("/api/v1/crl.pem");
  expect(res.status()).toBe(200);
  if (!caDir) throw new Error("there is no CA");
  const file = path.join(caDir, `crl-${crlReads++}.pem`);
  writeFileSync(file, await res.text());
  // Not spawnSync: the other requests in flight are served meanwhile.
  const { stdout, stderr } = await execFileAsync("openssl", [
    "crl",
    ...["-in", file, "-CAfile", path.join(caDir, "ca.pem")],
    ...["-noout", "-text"],
  ]);
  expect(stderr).toContain("verify OK");
  const number = stdout.match(/X509v3 CRL Number: *\n\s*(\d+)/)?.[1];
  expect(number, stdout).toBeDefined();
  const serials = [...stdout.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => m[1].toLowerCase());
  return { number: Number(number), serials: serials.sort() };
}

async function expectHealthy(dash: OwnDashboard): Promise<void> {
  const res = await dash.anon.get("/api/health");
  expect(res.status()).toBe(200);
  // 200 and "ok" only when the database answered the health check's query.
  expect(await res.json()).toEqual({ status: "ok" });
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  cluster = await startPostgres();
  const env = {
    DATABASE_URL: await cluster.createDatabase("instances"),
    DOCKPKI_MASTER_KEY: randomBytes(32).toString("base64"),
    // A killed instance's bulk job items are taken over once its claims run out: seconds here, not the default 30.
    DOCKPKI_JOB_CLAIM_MS: "4000",
  };
  sql = new pg.Pool({ connectionString: env.DATABASE_URL, max: 2 });
  // Both servers start at once (and migrate the empty database together); B uses the token A's CLI makes.
  const starting = startOwnDashboard("instances-a", env);
  const started = await Promise.allSettled([
    starting,
    startOwnDashboard("instances-b", env, { token: starting.then((dash) => dash.token) }),
  ]);
  for (const s of started) if (s.status === "fulfilled") running.push(s.value);
  const failed = started.find((s) => s.status === "rejected");
  if (failed) throw failed.reason;
  const [a, b] = running;
  dashboards = [a, b];
  const ca = await a.api.post("/api/v1/ca", { data: { commonName: "Instances E2E CA" } });
  expect(ca.status(), await ca.text()).toBe(201);
  caDir = mkdtempSync(path.join(tmpdir(), "dockpki-e2e-instances-"));
  writeFileSync(path.join(caDir, "ca.pem"), (await ca.json()).certPem);
});

test.afterEach(async () => {
  const info = test.info();
  if (info.status === info.expectedStatus) return;
  for (const [i, dash] of running.entries()) {
    await info.attach(`instance ${"AB"[i]} stderr`, { body: dash.stderr() });
  }
});

test.afterAll(async () => {
  try {
    await Promise.all(running.map((dash) => dash.stop()));
    await sql?.end();
  } finally {
    cluster?.stop();
    if (caDir) rmSync(caDir, { recursive: true, force: true });
  }
});

test("both instances answer /api/health, and see each other's writes", async () => {
  const [a, b] = instances();
  await expectHealthy(a);
  await expectHealthy(b);
  // The CA A created is B's too.
  const [fromA, fromB] = [await (await a.api.get("/api/v1/ca")).json(), await (await b.api.get("/api/v1/ca")).json()];
  expect(fromB.id).toBe(fromA.id);
});

test("400 issuances for 100 hosts on both instances at once: every one stored, one active certificate per host", async () => {
  test.setTimeout(120_000);
  const hosts = await createHosts("inst-issue", 100);
  // Four in a row per host, alternating instances: the 16 in flight are four hosts, each issued on both at once.
  const plan = hosts.flatMap((id) => [id, id, id, id]);
  const issued = await inParallel(plan, CONCURRENCY, (hostId, i) => issue(on(i), hostId));
  expect(issued.filter((r) => r.status !== 201)).toEqual([]);
  expect(new Set(issued.map((r) => r.serial)).size).toBe(400);

  const perHost = await query<{ total: number; active: number; superseded: number; replacements: number }>(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'active')::int AS active,
            count(*) FILTER (WHERE status = 'superseded')::int AS superseded,
            count(DISTINCT "supersededById")::int AS replacements
       FROM "Certificate" WHERE "hostId" = ANY($1) GROUP BY "hostId"`,
    [hosts],
  );
  expect(perHost).toHaveLength(100);
  // Each host's four form one line: every certificate but the last replaced by a different one of the same host.
  const broken = perHost.filter((h) => h.total !== 4 || h.active !== 1 || h.superseded !== 3 || h.replacements !== 3);
  expect(broken.length, `hosts whose 4 certificates are not one line, e.g. ${JSON.stringify(broken.slice(0, 3))}`).toBe(
    0,
  );
  const strayReplacements = await query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "Certificate" c LEFT JOIN "Certificate" r ON r.id = c."supersededById"
      WHERE c."hostId" = ANY($1) AND c.status = 'superseded' AND (r.id IS NULL OR r."hostId" IS DISTINCT FROM c."hostId")`,
    [hosts],
  );
  expect(strayReplacements[0].n).toBe(0);

  // The API says the same from the other instance.
  const list = await (await on(1).api.get("/api/v1/certificates?status=active&kind=server&pageSize=500")).json();
  const active = list.certificates.filter((c: { hostId: string }) => hosts.includes(c.hostId));
  expect(new Set(active.map((c: { hostId: string }) => c.hostId)).size).toBe(100);
  expect(active).toHaveLength(100);
});

test("a bulk re-issue of 300 started on A is finished by B after A is killed, each item once", async () => {
  test.setTimeout(180_000);
  const [a, b] = instances();
  const hosts = await createHosts("inst-job", 300);
  const old = await issueEach(hosts);
  const started = await a.api.post("/api/v1/jobs", { data: { scope: "ids", ids: old.map((c) => c.id) } });
  expect(started.status(), await started.text()).toBe(202);
  const job = await started.json();
  expect(job.total).toBe(300);

  await expect
    .poll(
      async () => {
        const progress = await (await a.api.get(`/api/v1/jobs/${job.id}`)).json();
        return progress.done + progress.failed;
      },
      { intervals: [100], timeout: 60_000 },
    )
    .toBeGreaterThanOrEqual(10);
  await a.kill();
  const [atKill] = await query<{ finished: number }>(
    `SELECT count(*)::int AS finished FROM "JobItem" WHERE "jobId" = $1 AND status <> 'pending'`,
    [job.id],
  );
  expect(atKill.finished, "the job must still have work left when A dies").toBeLessThan(250);
  await expectHealthy(b);

  await expect
    .poll(async () => (await (await b.api.get(`/api/v1/jobs/${job.id}`)).json()).status, {
      intervals: [500],
      timeout: 120_000,
      message: `instance B did not finish the job A left at ${atKill.finished}/300`,
    })
    .not.toMatch(/^(queued|running)$/);
  const ended = await (await b.api.get(`/api/v1/jobs/${job.id}`)).json();
  expect(ended).toMatchObject({ status: "done", total: 300, done: 300, failed: 0, failures: [] });

  const items = await query<{
    status: string;
    newId: string | null;
    oldStatus: string;
    supersededById: string | null;
    newStatus: string | null;
    sameHost: boolean | null;
  }>(
    `SELECT i.status, i."newCertificateId" AS "newId", o.status AS "oldStatus", o."supersededById",
            n.status AS "newStatus", n."hostId" = o."hostId" AS "sameHost"
       FROM "JobItem" i JOIN "Certificate" o ON o.id = i."certificateId"
       LEFT JOIN "Certificate" n ON n.id = i."newCertificateId"
      WHERE i."jobId" = $1`,
    [job.id],
  );
  expect(items).toHaveLength(300);
  expect(new Set(items.map((i) => i.newId)).size).toBe(300);
  const wrong = items.filter(
    (i) =>
      i.status !== "done" ||
      !i.newId ||
      i.oldStatus !== "superseded" ||
      i.supersededById !== i.newId ||
      i.newStatus !== "active" ||
      !i.sameHost,
  );
  expect(wrong).toEqual([]);
  // No item re-issued twice (once by A before it died, again by B): 300 old and 300 new certificates, no more.
  const [counts] = await query<{ total: number; active: number }>(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'active')::int AS active
       FROM "Certificate" WHERE "hostId" = ANY($1)`,
    [hosts],
  );
  expect(counts).toEqual({ total: 600, active: 300 });

  await a.restart();
  await expectHealthy(a);
});

test("60 revocations on both instances at once: either instance's CRL lists them all, one CRL number each", async () => {
  test.setTimeout(120_000);
  const certs = await issueEach(await createHosts("inst-revoke", 60));
  const before = await readCrl(on(0));
  expect(before.serials).toEqual([]);

  // Both instances' CRLs read one after another while the revocations run: each one a moment of the same history.
  const seen: Crl[] = [before];
  let revoking = true;
  const watching = (async () => {
    for (let i = 0; revoking; i++) seen.push(await readCrl(on(i)));
  })();
  // Awaited below; this only keeps an early failure from being reported as unhandled meanwhile.
  watching.catch(() => {});
  const revoked = await inParallel(certs, CONCURRENCY, async (cert, i) => {
    const res = await on(i).api.post(`/api/v1/certificates/${cert.id}/revoke`, {
      data: { reason: "cessationOfOperation" },
    });
    return { status: res.status(), message: res.ok() ? undefined : await res.text() };
  });
  revoking = false;
  await watching;
  expect(revoked.filter((r) => r.status !== 200)).toEqual([]);

  const serials = certs.map((c) => c.serial).sort();
  const latest = [await readCrl(on(0)), await readCrl(on(1))];
  for (const crl of latest) expect(crl).toEqual({ number: before.number + 60, serials });
  seen.push(...latest);
  // Each revocation signed one CRL with the next number, listing everything revoked before it: CRL n lists
  // exactly n - before.number serials, and one read later never shows a lower number or fewer serials.
  expect(seen.filter((crl) => crl.serials.length !== crl.number - before.number)).toEqual([]);
  for (let i = 1; i < seen.length; i++) {
    expect(seen[i].number).toBeGreaterThanOrEqual(seen[i - 1].number);
    expect(seen[i].serials).toEqual(expect.arrayContaining(seen[i - 1].serials));
  }
});
