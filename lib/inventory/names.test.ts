import assert from "node:assert/strict";
import { after, test } from "node:test";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

const env = await prepareTempDataDir();
const { db } = await import("@/lib/db");
const { createHost, updateHost } = await import("@/lib/inventory/hosts");
const { createClient, updateClient } = await import("@/lib/inventory/clients");
const { hostCreateSchema } = await import("@/lib/inventory/hosts.schema");
const { clientCreateSchema } = await import("@/lib/inventory/clients.schema");

const actor = { kind: "cli" } as const;
after(async () => {
  await db.$disconnect();
  env.cleanup();
});

const host = (name: string) => hostCreateSchema.parse({ name, dnsNames: [`${name.toLowerCase()}.example.com`] });

test("host names are unique regardless of case, on create and on rename", async () => {
  await createHost(actor, host("Dock"));
  await assert.rejects(createHost(actor, host("dock")), {
    name: "ConflictError",
    message: "A host called Dock already exists; names may not differ only in case.",
  });
  const other = await createHost(actor, host("other"));
  await assert.rejects(updateHost(actor, other.id, { name: "DOCK" }), { name: "ConflictError" });
  // Changing the case of one's own name is fine.
  const dock = await db.host.findUniqueOrThrow({ where: { name: "Dock" } });
  assert.equal((await updateHost(actor, dock.id, { name: "dock" })).name, "dock");
});

test("client names are unique regardless of case", async () => {
  const alice = await createClient(actor, clientCreateSchema.parse({ name: "alice" }));
  await assert.rejects(createClient(actor, clientCreateSchema.parse({ name: "Alice" })), { name: "ConflictError" });
  const bob = await createClient(actor, clientCreateSchema.parse({ name: "bob" }));
  await assert.rejects(updateClient(actor, bob.id, { name: "ALICE" }), { name: "ConflictError" });
  assert.equal((await updateClient(actor, alice.id, { name: "Alice" })).name, "Alice");
});
