import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type TestContext, test } from "node:test";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { ColumnTypeEnum, type SqlQuery } from "@prisma/driver-adapter-utils";
import Database from "better-sqlite3";
import { statementCachingAdapter } from "@/lib/db-statements";

const q = (sql: string, args: unknown[] = []): SqlQuery => ({
  sql,
  args,
  argTypes: args.map((a) => ({ scalarType: typeof a === "number" ? "int" : "string", arity: "scalar" })),
});

/**
 * A caching adapter on a throwaway database, every SQL text better-sqlite3 was asked to prepare, and
 * those whose columns were read, once per reading.
 */
async function cachingAdapter(t: TestContext) {
  const dir = mkdtempSync(path.join(tmpdir(), "dockpki-statements-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const prepared: string[] = [];
  const original = Database.prototype.prepare;
  t.mock.method(Database.prototype, "prepare", function (this: Database.Database, sql: string) {
    prepared.push(sql);
    return original.call(this, sql);
  });
  const columnsRead: string[] = [];
  const probe = new Database(":memory:");
  const statementProto = Object.getPrototypeOf(original.call(probe, "SELECT 1"));
  probe.close();
  const columns = statementProto.columns;
  t.mock.method(statementProto, "columns", function (this: Database.Statement) {
    columnsRead.push(this.source);
    return columns.call(this);
  });
  const adapter = await statementCachingAdapter(new PrismaBetterSqlite3({ url: `file:${dir}/t.db` })).connect();
  return { adapter, prepared, columnsRead };
}

test("the SQLite adapter prepares each statement once and runs it with each call's own parameters", async (t) => {
  const { adapter, prepared, columnsRead } = await cachingAdapter(t);
  await adapter.executeScript('CREATE TABLE "T" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL)');

  const insert = 'INSERT INTO "T" ("id", "name") VALUES (?, ?)';
  for (const [id, name] of [
    [1, "one"],
    [2, "two"],
    [3, "three"],
  ] as const) {
    assert.equal(await adapter.executeRaw(q(insert, [id, name])), 1);
  }
  const select = 'SELECT "id", "name" FROM "T" WHERE "id" >= ? ORDER BY "id"';
  const all = await adapter.queryRaw(q(select, [1]));
  assert.deepEqual(all.columnNames, ["id", "name"]);
  assert.deepEqual(all.columnTypes, [ColumnTypeEnum.Int32, ColumnTypeEnum.Text]);
  assert.deepEqual(
    all.rows.map((r) => r[1]),
    ["one", "two", "three"],
  );
  // the same statement, other parameters: their rows, not the first call's
  assert.deepEqual(
    (await adapter.queryRaw(q(select, [3]))).rows.map((r) => r[1]),
    ["three"],
  );
  // a write through the reading path (queryRaw of a statement that returns nothing) still runs
  await adapter.queryRaw(q('UPDATE "T" SET "name" = ? WHERE "id" = ?', ["TWO", 2]));
  assert.deepEqual(
    (await adapter.queryRaw(q(select, [2]))).rows.map((r) => r[1]),
    ["TWO", "three"],
  );
  // a transaction's statements are kept too, and a rollback undoes what ran in it
  for (let i = 0; i < 2; i++) {
    const tx = await adapter.startTransaction();
    await tx.executeRaw(q(insert, [10 + i, "in tx"]));
    await tx.executeRaw(q("ROLLBACK"));
    await tx.rollback();
  }
  assert.equal((await adapter.queryRaw(q(select, [10]))).rows.length, 0);

  const count = (sql: string) => prepared.filter((s) => s === sql).length;
  assert.equal(count(insert), 1, "the INSERT was prepared once for five runs");
  assert.equal(count(select), 1, "the SELECT was prepared once for four runs");
  assert.equal(count("BEGIN"), 1);
  assert.equal(columnsRead.filter((s) => s === select).length, 1, "the SELECT's columns were read once for four runs");
  await adapter.dispose();
});

test("at most 200 prepared statements are kept, the most recently used", async (t) => {
  const { adapter, prepared } = await cachingAdapter(t);
  const nth = (i: number) => `SELECT ${i} AS "n"`;
  for (let i = 0; i < 201; i++) await adapter.queryRaw(q(nth(i)));
  // 0 was the least recently used: dropped, and prepared again; 200 is still kept
  await adapter.queryRaw(q(nth(200)));
  await adapter.queryRaw(q(nth(0)));
  assert.equal(prepared.filter((s) => s === nth(200)).length, 1);
  assert.equal(prepared.filter((s) => s === nth(0)).length, 2);
  assert.equal(Number((await adapter.queryRaw(q(nth(0)))).rows[0][0]), 0);
  await adapter.dispose();
});
