// Plans of the list queries, pinned. SQLite only (scripts/test-unit.mjs leaves this file out of the PostgreSQL
// pass): PostgreSQL plans from statistics a fresh database lacks; its lists are measured at size by
// `npm run bench -- lists --postgres`.
// dockpki-test: sqlite-only
//
// The host and client list filters ask, per row, whether its holder has a matching certificate.
// SQLite must answer that from the holder's own certificates: answered from [status, notAfter]
// instead, the check scans every active certificate for every host, and at 10,000 hosts and
// 50,000 certificates filter=valid took 67 s (bench/lists.ts). The plan, not a timing, is pinned
// here: SQLite plans the same on an empty database as on a full one (no ANALYZE statistics).
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { explainQuery, installQueryLog } from "@/lib/test-support/query-log";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

const env = await prepareTempDataDir();
const queryLog = installQueryLog(env);
const { db } = await import("@/lib/db");
const { listHosts } = await import("@/lib/inventory/hosts");
const { listClients } = await import("@/lib/inventory/clients");
const { clientListQuerySchema, hostListQuerySchema } = await import("@/lib/list-query.schema");
const { listCertificates } = await import("@/lib/certificates/certificates");
const { certificateQuerySchema } = await import("@/lib/certificates/query.schema");
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

const FILTERS = ["valid", "expiring", "expired", "revoked", "never-issued"] as const;

for (const [holder, list, column] of [
  ["hosts", (q: object) => listHosts(hostListQuerySchema.parse(q)), "hostId"],
  ["clients", (q: object) => listClients(clientListQuerySchema.parse(q)), "clientId"],
] as const) {
  test(`${holder}: every filter looks up certificates by ${column}`, async () => {
    for (const filter of FILTERS) {
      const name = `${holder} ${filter}`;
      queryLog.fileUnder(name);
      await list({ filter, sort: "-created", page: "3" });
      queryLog.fileUnder(null);
      const statements = queryLog.statements(name).filter((s) => s.sql.includes("Certificate"));
      assert.ok(statements.length > 0, `${name}: no statement reads certificates`);
      for (const statement of statements) {
        const plan = explainQuery(env.databasePath, statement);
        // Each search of the certificate table starts from the holder column.
        const searches = plan.split("\n").filter((line) => /(SCAN|SEARCH) (t\d+|main\.Certificate)\b/.test(line));
        assert.ok(searches.length > 0, `${name}: no certificate search in\n${plan}`);
        for (const line of searches) {
          assert.match(
            line,
            new RegExp(`USING (COVERING )?INDEX Certificate_${column}_\\w+ \\(${column}=\\?`),
            `${name}:\n${plan}`,
          );
        }
      }
    }
  });
}

// Newest first, overall or by status: a page deep in 50,000 certificates took 330 ms when SQLite
// sorted every row (PEMs included) before skipping to the offset; walking an index it takes 4 ms.
test("certificate list pages walk an index instead of sorting every row", async () => {
  for (const status of ["all", "active", "expiring", "expired", "revoked", "superseded"] as const) {
    const name = `certificates ${status}`;
    queryLog.fileUnder(name);
    await listCertificates(certificateQuerySchema.parse({ status, page: "150" }));
    queryLog.fileUnder(null);
    const page = queryLog
      .statements(name)
      .find((s) => /ORDER BY/.test(s.sql) && /FROM `main`.`Certificate`/.test(s.sql));
    assert.ok(page, `${name}: no paged statement`);
    const plan = explainQuery(env.databasePath, page);
    assert.doesNotMatch(plan, /USE TEMP B-TREE FOR ORDER BY/, `${name}:\n${page.sql}\n${plan}`);
    assert.doesNotMatch(plan, /SCAN main\.Certificate\n|SCAN main\.Certificate$/m, `${name}:\n${plan}`);
  }
});

// Sorted by expiry, each listed holder's active certificate is looked up by the holder's own
// index, not by scanning every certificate.
test("the expiry sort finds each holder's certificate through the holder index", async () => {
  for (const [holder, list, column] of [
    ["hosts", (q: object) => listHosts(hostListQuerySchema.parse(q)), "hostId"],
    ["clients", (q: object) => listClients(clientListQuerySchema.parse(q)), "clientId"],
  ] as const) {
    const name = `${holder} by expiry`;
    queryLog.fileUnder(name);
    await list({ sort: "expiry", dir: "desc", filter: "valid" });
    queryLog.fileUnder(null);
    const sorted = queryLog.statements(name).find((s) => /json_each/.test(s.sql));
    assert.ok(sorted, `${name}: no sorting statement`);
    const plan = explainQuery(env.databasePath, sorted);
    assert.match(plan, new RegExp(`SEARCH c USING (COVERING )?INDEX Certificate_${column}_status_notAfter_idx`), plan);
    assert.doesNotMatch(plan, /SCAN c\b/, plan);
  }
});
