import assert from "node:assert/strict";
import { test } from "node:test";
import { ConflictError, DATABASE_DAMAGED, databaseDamageSeen, describeError, PayloadTooLargeError } from "@/lib/errors";

test("a damaged database is named as such, however deep in the causes SQLite said it", () => {
  assert.equal(databaseDamageSeen(), false);
  const driver = { kind: "sqlite", extendedCode: 11, message: "database disk image is malformed" };
  const err = new Error("Invalid `prisma.host.findMany()` invocation", { cause: { cause: driver } });
  assert.deepEqual(describeError(err), { status: 503, message: DATABASE_DAMAGED });
  assert.equal(databaseDamageSeen(), true, "the health check and error page learn of it");
  assert.equal(describeError(Object.assign(new Error("x"), { code: "SQLITE_NOTADB" })).status, 503);
  assert.doesNotMatch(DATABASE_DAMAGED, /\//, "no path in what callers are told");
});

test("413 for oversized bodies; 409 carries its details; anything else is one plain sentence", () => {
  assert.equal(describeError(new PayloadTooLargeError("too big")).status, 413);
  assert.deepEqual(describeError(new ConflictError("busy", { dependents: 3 })), {
    status: 409,
    message: "busy",
    details: { dependents: 3 },
  });
  assert.deepEqual(describeError(new Error("/secret/path/data/dockpki.db: SQLITE_BUSY")), {
    status: 500,
    message: "Something went wrong on the server; its log has the details.",
  });
});
