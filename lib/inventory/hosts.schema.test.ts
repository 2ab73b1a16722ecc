import assert from "node:assert/strict";
import { test } from "node:test";
import { clientPatchSchema } from "@/lib/inventory/clients.schema";
import { hostCreateSchema, hostPatchSchema } from "@/lib/inventory/hosts.schema";

test("a PATCH carries only the fields it names (no defaults filled in)", () => {
  assert.deepEqual(hostPatchSchema.parse({ ipAddresses: ["10.0.0.1"] }), { ipAddresses: ["10.0.0.1"] });
  assert.deepEqual(clientPatchSchema.parse({ notes: "laptop" }), { notes: "laptop" });
});

test("a new host gets Docker's defaults and needs a name or address clients can dial", () => {
  const host = hostCreateSchema.parse({ name: "docker1", dnsNames: ["Docker1.Example.com", "docker1.example.com"] });
  assert.equal(host.port, 2376);
  assert.equal(host.tlsMode, "mtls");
  assert.deepEqual(host.dnsNames, ["docker1.example.com"]);
  assert.equal(hostCreateSchema.safeParse({ name: "docker1" }).success, false);
  assert.equal(hostCreateSchema.safeParse({ name: "docker1", dnsNames: ["*.example.com"] }).success, false);
});

test("labels and notes refuse bidi controls and invisible characters; notes keep their lines", () => {
  const base = { name: "docker1", dnsNames: ["docker1.example.com"] };
  const labels = hostCreateSchema.safeParse({ ...base, labels: "prod \u202eedoc" });
  assert.match(labels.error?.issues[0].message ?? "", /^Labels cannot contain invisible/);
  assert.equal(hostCreateSchema.safeParse({ ...base, labels: "prod\nstaging" }).success, false);
  assert.equal(hostCreateSchema.safeParse({ ...base, notes: "rack 4\u200b" }).success, false);
  assert.equal(clientPatchSchema.safeParse({ notes: "\u2066laptop\u2069" }).success, false);
  assert.equal(hostCreateSchema.parse({ ...base, notes: "rack 4\nrow 2\tdesk" }).notes, "rack 4\nrow 2\tdesk");
  assert.equal(hostCreateSchema.parse({ ...base, labels: "prod, Bäckerei" }).labels, "prod, Bäckerei");
});
