import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import Database from "better-sqlite3";
import pg from "pg";
import { prepareTempDataDir } from "@/lib/test-support/temp-data-dir";

// One request's statements must not land inside another request's transaction. On SQLite the
// process has one connection, and requests interleave at every await; on PostgreSQL each
// transaction has a connection of its own. Both must behave the same.

let cleanup = () => {};
let db: typeof import("@/lib/db").db;
let tmp: Awaited<ReturnType<typeof prepareTempDataDir>>;

before(async () => {
  tmp = await prepareTempDataDir();
  cleanup = tmp.cleanup;
  const { prepareServer } = await import("@/lib/startup");
  await prepareServer();
  db = (await import("@/lib/db")).db;
});
after(() => cleanup());

/** Waits a moment inside a transaction, as one that signs or hashes off the event loop does. */
const pause = () => new Promise((resolve) => setTimeout(resolve, 20));

/** Lets other promise chains run, as any await inside a request does. */
const interleave = async (turns = 20) => {
  for (let i = 0; i < turns; i++) await Promise.resolve();
};

test("a write outside a transaction is kept when another request's transaction rolls back", async () => {
  let begun = false;
  const failing = db
    .$transaction(async (tx) => {
      await tx.setting.create({ data: { key: "rolled-back-1", value: "1" } });
      begun = true;
      await pause();
      throw new Error("roll back");
    })
    .catch((err: Error) => err.message);
  const outside = (async () => {
    while (!begun) await new Promise((resolve) => setImmediate(resolve));
    await db.auditEvent.create({ data: { actor: "test", action: "test.outside" } });
  })();
  assert.equal(await failing, "roll back");
  await outside;
  assert.equal(await db.auditEvent.count({ where: { action: "test.outside" } }), 1, "the write was rolled back too");
  assert.equal(await db.setting.count({ where: { key: { startsWith: "rolled-back" } } }), 0);
});

test("a read outside a transaction never sees what it has not committed", async () => {
  let begun = false;
  let seen: number | null = null;
  const writing = db.$transaction(async (tx) => {
    await tx.setting.create({ data: { key: "uncommitted", value: "1" } });
    begun = true;
    await pause();
    throw new Error("roll back");
  });
  const reading = (async () => {
    while (!begun) await new Promise((resolve) => setImmediate(resolve));
    seen = await db.setting.count({ where: { key: "uncommitted" } });
  })();
  await assert.rejects(writing, /roll back/);
  await reading;
  assert.equal(seen, 0, "a row of an open transaction was read");
});

test("inside a transaction, a statement sent through db rather than tx runs, not waits for the end", async () => {
  const started = Date.now();
  const result = await db.$transaction(async (tx) => {
    await tx.setting.create({ data: { key: "inside-own", value: "1" } });
    // SQLite: part of the transaction on the one connection; PostgreSQL: another connection's view
    return db.setting.count({ where: { key: "inside-own" } });
  });
  assert.equal(typeof result, "number");
  assert.ok(Date.now() - started < 5_000, "it waited for its own transaction to end");
});

test("transactions and statements from many requests at once all complete, each once", async () => {
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      i % 2
        ? db.$transaction(async (tx) => {
            await tx.auditEvent.create({ data: { actor: "test", action: "test.many", target: `tx-${i}` } });
            await interleave(5);
          })
        : db.auditEvent.create({ data: { actor: "test", action: "test.many", target: `out-${i}` } }),
    ),
  );
  assert.equal(await db.auditEvent.count({ where: { action: "test.many" } }), 20);
});

/**
 * Commits one row from a connection of its own, as the CLI or another instance does beside this process. On SQLite,
 * while this process holds the write lock, the write waits for it as a process's busy timeout would; here that wait
 * is a retry after each turn of the event loop, which lets this process's transaction go on to its end.
 */
async function writeFromAnotherProcess(target: string): Promise<void> {
  if (tmp.databaseUrl) {
    const client = new pg.Client({ connectionString: tmp.databaseUrl });
    await client.connect();
    try {
      await client.query(`INSERT INTO "AuditEvent" (actor, action, target) VALUES ('test', 'test.other', $1)`, [
        target,
      ]);
    } finally {
      await client.end();
    }
    return;
  }
  const other = new Database(tmp.databasePath, { timeout: 0 });
  try {
    for (;;) {
      try {
        other.prepare(`INSERT INTO "AuditEvent" (actor, action, target) VALUES ('test', 'test.other', ?)`).run(target);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== "SQLITE_BUSY") throw err;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  } finally {
    other.close();
  }
}

test("another process's write between a transaction's read and its write does not fail the transaction", async () => {
  // A transaction that read first, then found another process had committed since, could not write
  // (SQLITE_BUSY_SNAPSHOT, at once, whatever the busy timeout): Prisma reported "Operation has timed out".
  let read = false;
  const transaction = db.$transaction(async (tx) => {
    const before = await tx.setting.count();
    read = true;
    await pause();
    await tx.setting.create({ data: { key: "after-other-write", value: String(before) } });
  });
  const other = (async () => {
    while (!read) await new Promise((resolve) => setImmediate(resolve));
    await writeFromAnotherProcess("beside-a-transaction");
  })();
  await Promise.all([transaction, other]);
  assert.equal(await db.setting.count({ where: { key: "after-other-write" } }), 1);
  assert.equal(await db.auditEvent.count({ where: { action: "test.other" } }), 1);
});
