import assert from "node:assert/strict";
import { test } from "node:test";
import { reissueJobSchema } from "@/lib/certificates/jobs.schema";
import { certificateQuerySchema } from "@/lib/certificates/query.schema";
import { clientListQuerySchema, hostListQuerySchema, pageQuery, selectedIdsSchema } from "@/lib/list-query.schema";

const messages = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.error?.issues.map((i) => i.message) ?? [];

test("the inventory lists sort by name, ascending, unless told otherwise", () => {
  const q = hostListQuerySchema.parse({});
  assert.equal(q.sort, "name");
  assert.equal(q.dir, "asc");
  const byExpiry = hostListQuerySchema.parse({ sort: "expiry", dir: "desc" });
  assert.deepEqual([byExpiry.sort, byExpiry.dir], ["expiry", "desc"]);
});

test("each list takes only its own columns", () => {
  for (const sort of ["role", "tls", "config", "labels", "port", "expiry"]) {
    assert.equal(hostListQuerySchema.parse({ sort }).sort, sort);
  }
  assert.equal(clientListQuerySchema.parse({ sort: "kind" }).sort, "kind");
  assert.deepEqual(messages(clientListQuerySchema.safeParse({ sort: "role" })), [
    "sort is one of name, created, kind, expiry.",
  ]);
  assert.deepEqual(messages(hostListQuerySchema.safeParse({ sort: "name; DROP TABLE" })), [
    "sort is one of name, created, port, role, tls, config, labels, expiry.",
  ]);
});

test("dir is asc or desc, and the older -name spelling still means descending", () => {
  assert.deepEqual(messages(hostListQuerySchema.safeParse({ sort: "name", dir: "down" })), ["dir is asc or desc."]);
  const legacy = hostListQuerySchema.parse({ sort: "-created" });
  assert.deepEqual([legacy.sort, legacy.dir], ["created", "desc"]);
  const explicit = clientListQuerySchema.parse({ sort: "-name", dir: "asc" });
  assert.deepEqual([explicit.sort, explicit.dir], ["name", "asc"]);
});

test("a page shows the whole list when its URL was edited into nonsense", () => {
  const q = pageQuery(hostListQuerySchema, { sort: "bogus", filter: "valid" });
  assert.deepEqual([q.sort, q.dir, q.filter], ["name", "asc", "all"]);
});

test("the certificate list keeps its time-first defaults and sorts by expiry or CA on request", () => {
  const byStatus = (status: string) => {
    const q = certificateQuerySchema.parse({ status });
    return `${q.sort} ${q.dir}`;
  };
  assert.equal(byStatus("all"), "created desc");
  assert.equal(byStatus("expiring"), "expiry asc");
  assert.equal(byStatus("expired"), "expiry desc");
  const q = certificateQuerySchema.parse({ status: "all", sort: "expiry", dir: "asc" });
  assert.deepEqual([q.sort, q.dir], ["expiry", "asc"]);
  assert.equal(certificateQuerySchema.parse({ sort: "ca" }).dir, "asc");
  assert.deepEqual(messages(certificateQuerySchema.safeParse({ sort: "port" })), [
    "sort is one of name, ca, expiry, created.",
  ]);
});

test("a selection is one to 500 distinct ids", () => {
  const id = "0b8f5c7e-4a39-4f51-9a3d-6f1e2d3c4b5a";
  assert.deepEqual(selectedIdsSchema("host").parse([id, id]), [id]);
  assert.deepEqual(messages(selectedIdsSchema("host").safeParse([])), ["Select at least one host."]);
  assert.deepEqual(messages(selectedIdsSchema("host").safeParse(["web1"])), ["Unknown host."]);
  assert.deepEqual(messages(selectedIdsSchema("host").safeParse(Array(501).fill(id))), [
    "Select at most 500 at a time.",
  ]);
});

test("a bulk re-issue job takes a list of certificate ids", () => {
  const id = "0b8f5c7e-4a39-4f51-9a3d-6f1e2d3c4b5a";
  assert.deepEqual(reissueJobSchema.parse({ scope: "ids", ids: [id] }), { scope: "ids", ids: [id], revokeOld: false });
  assert.deepEqual(messages(reissueJobSchema.safeParse({ scope: "ids" })), ["ids is a list of certificate ids."]);
  assert.deepEqual(messages(reissueJobSchema.safeParse({ scope: "some" })), [
    'scope is "expiring" (with days), "previous-ca", or "ids" (with ids).',
  ]);
});
