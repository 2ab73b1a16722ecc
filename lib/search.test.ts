import assert from "node:assert/strict";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

// Searches are substring matches of what was typed, wildcards of SQL's LIKE included as text.
const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { createHost, listHosts } = await import("@/lib/inventory/hosts");
const { hostCreateSchema } = await import("@/lib/inventory/hosts.schema");
const { createClient, listClients } = await import("@/lib/inventory/clients");
const { clientListQuerySchema, hostListQuerySchema } = await import("@/lib/list-query.schema");
const { listAuditEvents, auditQuerySchema } = await import("@/lib/audit-log");

const actor = { kind: "cli" } as const;
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

for (const name of ["a_b", "ab", "axb", "pct"]) {
  await createHost(
    actor,
    hostCreateSchema.parse({
      name,
      dnsNames: [`${name.replace("_", "-")}.example.com`],
      labels: name === "pct" ? "100% prod" : "",
    }),
  );
  await createClient(actor, { name, kind: "ci", notes: name === "pct" ? "50% done" : "" });
}
const q = (text: string) => hostListQuerySchema.parse({ q: text });
const cq = (text: string) => clientListQuerySchema.parse({ q: text });
const names = (rows: { name: string }[]) => rows.map((r) => r.name).sort();

test("'_' and '%' in a search are characters, not wildcards", async () => {
  assert.deepEqual(names((await listHosts(q("_"))).rows), ["a_b"]);
  assert.deepEqual(names((await listHosts(q("a_b"))).rows), ["a_b"]);
  assert.deepEqual(names((await listHosts(q("%"))).rows), ["pct"]);
  assert.deepEqual(names((await listClients(cq("_"))).rows), ["a_b"]);
  assert.deepEqual(names((await listClients(cq("0%"))).rows), ["pct"]);
  assert.equal((await listHosts(q("\\"))).total, 0);
  const audit = await listAuditEvents(auditQuerySchema.parse({ action: "host._reate" }));
  assert.equal(audit.total, 0);
  assert.equal((await listAuditEvents(auditQuerySchema.parse({ action: "host.create" }))).total, 4);
});
