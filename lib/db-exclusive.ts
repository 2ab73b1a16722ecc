import { AsyncLocalStorage } from "node:async_hooks";
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";
import type Database from "better-sqlite3";
import { eachConnection } from "@/lib/db-connections";

// SQLite here is one better-sqlite3 connection for the whole process. Prisma's adapter runs one
// transaction at a time on it, but a statement outside any transaction runs whenever it is called:
// between another request's BEGIN and COMMIT, inside that transaction. Requests interleave at every
// await even when nothing waits for I/O, so one request's audit event or token use could be rolled
// back with another's failed issuance, and a read could see rows that were never committed.
// Here a transaction has the connection to itself: statements from outside it wait until it ends.
// Statements that its own callback sends through `db` instead of `tx` are already part of it (they
// ran inside it before, and waiting for it there would wait forever): they run at once.
// better-sqlite3 answers synchronously, so a request's chain of awaits never returns to the event
// loop by itself: under load, the work of a dozen requests ran as one 150 ms stretch of promise
// callbacks while new connections and requests waited to be read. After each statement outside a
// transaction the loop gets a turn (setImmediate: after pending I/O), as a networked database's
// driver gives it; inside one the statements run straight on, so the transaction stays short.
// Other processes write to the same file too (the CLI beside the dashboard). Prisma's adapter opens
// a transaction with a plain BEGIN, which takes no lock until the first statement: a transaction
// that reads and then writes could find another process had committed in between, and SQLite fails
// that write at once (SQLITE_BUSY_SNAPSHOT, which Prisma reports as "Operation has timed out")
// instead of waiting out the busy timeout. Here a transaction takes the write lock as it begins
// (BEGIN IMMEDIATE), waiting for another process's write as any statement does.

interface Scope {
  /** While the $transaction call that made this scope has its transaction open. */
  open: boolean;
}

const scopes = new AsyncLocalStorage<Scope>();

/** The Prisma client, with every interactive transaction's callback known as such to the adapter. */
export function transactionScoped<C extends { $transaction: (...args: never[]) => unknown }>(client: C): C {
  const original = client.$transaction.bind(client) as (...args: unknown[]) => unknown;
  Object.defineProperty(client, "$transaction", {
    value: (...args: unknown[]) => scopes.run({ open: false }, () => original(...args)),
    configurable: true,
    writable: true,
  });
  return client;
}

/** Makes the adapter's `prepare("BEGIN")` a BEGIN IMMEDIATE, on its better-sqlite3 connection. */
function beginImmediate(adapter: SqlDriverAdapter): void {
  const client = (adapter as unknown as { client?: Database.Database }).client;
  // The adapter's shape is Prisma's, not a public API: refuse to run without this rather than
  // let transactions fail under another process's writes.
  if (!client || typeof client.prepare !== "function") {
    throw new Error("The SQLite adapter has no better-sqlite3 client where dockpki expects it.");
  }
  const prepare = client.prepare.bind(client);
  (client as unknown as { prepare: (sql: string) => unknown }).prepare = (sql: string) =>
    prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql);
}

function exclusive(adapter: SqlDriverAdapter): SqlDriverAdapter {
  beginImmediate(adapter);
  /** Settles when the open transaction ends; null while none is open. */
  let open: Promise<void> | null = null;
  const insideOwn = () => scopes.getStore()?.open === true;
  // No await between finding the connection free and using it: the statement runs (or BEGIN is
  // claimed) in the same step, before another request can open a transaction.
  const outside =
    <A extends unknown[], R>(run: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (insideOwn()) return run(...args);
      while (open) await open;
      const result = await run(...args);
      await new Promise((resolve) => setImmediate(resolve));
      return result;
    };
  const startTransaction = async (...args: Parameters<SqlDriverAdapter["startTransaction"]>): Promise<Transaction> => {
    while (open) await open;
    let end = () => {};
    const mine = new Promise<void>((resolve) => {
      end = resolve;
    });
    open = mine;
    const scope = scopes.getStore();
    const close = () => {
      if (scope) scope.open = false;
      if (open === mine) open = null;
      end();
    };
    let tx: Transaction;
    try {
      tx = await adapter.startTransaction(...args);
    } catch (err) {
      close();
      throw err;
    }
    if (scope) scope.open = true;
    const ending = (fn: () => Promise<void>) => async () => {
      try {
        await fn();
      } finally {
        close();
      }
    };
    return new Proxy(tx, {
      get(target, prop) {
        if (prop === "commit") return ending(() => target.commit());
        if (prop === "rollback") return ending(() => target.rollback());
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  };
  return new Proxy(adapter, {
    get(target, prop) {
      if (prop === "queryRaw") return outside((q: SqlQuery) => target.queryRaw(q));
      if (prop === "executeRaw") return outside((q: SqlQuery) => target.executeRaw(q));
      if (prop === "executeScript") return outside((script: string) => target.executeScript(script));
      if (prop === "startTransaction") return startTransaction;
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The SQLite adapter factory, with every connection it makes given to one transaction at a time. */
export function exclusiveTransactions<F extends SqlDriverAdapterFactory>(factory: F): F {
  return eachConnection(factory, exclusive);
}
