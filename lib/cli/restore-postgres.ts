import {
  COPY_TIMEOUT_MS,
  copyTables,
  openPostgresClient,
  openSqliteClient,
  readTableShapes,
  type TableShape,
} from "@/lib/cli/table-copy";
import { databaseLabel, migrationsDir, postgresUrl } from "@/lib/config";
import { ConflictError, InputError } from "@/lib/errors";
import { applyPostgresMigrations } from "@/lib/migrate";

type PostgresTx = Parameters<Parameters<ReturnType<typeof openPostgresClient>["$transaction"]>[0]>[0];

const sentence = (err: unknown) => {
  // Prisma's messages open with where in the code it was called; the database's reason is the last line.
  const text = (err instanceof Error ? err.message : String(err)).trim();
  return (text.split("\n").at(-1) ?? text).trim().replace(/\.?$/, ".");
};

/** What an admin would lose, counted: the rows they made rather than those dockpki keeps for itself. */
async function heldData(): Promise<string[]> {
  const client = openPostgresClient();
  try {
    const counts: [string, number][] = [
      ["account(s)", await client.admin.count()],
      ["CA(s)", await client.certificateAuthority.count()],
      ["host(s)", await client.host.count()],
      ["client(s)", await client.client.count()],
      ["certificate(s)", await client.certificate.count()],
    ];
    return counts.filter(([, n]) => n > 0).map(([what, n]) => `${n} ${what}`);
  } finally {
    await client.$disconnect();
  }
}

/**
 * Brings the PostgreSQL database to the current schema (as an instance would at start), then refuses to replace
 * what it holds without --force.
 */
export async function preparePostgresRestore(force: boolean): Promise<void> {
  try {
    await applyPostgresMigrations({ url: postgresUrl(), migrationsDir: migrationsDir("postgresql") });
  } catch (err) {
    throw new InputError(`The ${databaseLabel()} cannot be used: ${sentence(err)} Nothing was changed.`);
  }
  const held = force ? [] : await heldData();
  if (held.length > 0) {
    throw new ConflictError(
      `The ${databaseLabel()} already holds dockpki data (${held.join(", ")}). Stop every dockpki instance that uses it (the restore cannot tell whether one still runs), then run the restore again with --force to replace all of it.`,
    );
  }
}

/** Serial columns (AuditEvent.id) go on after the highest restored value, so new rows do not collide with it. */
async function resetSequences(tx: PostgresTx, shapes: TableShape[]): Promise<void> {
  const tables = new Set(shapes.map((s) => s.model));
  const serials = await tx.$queryRaw<{ table_name: string; column_name: string }[]>`
    SELECT table_name, column_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'`;
  for (const { table_name: table, column_name: column } of serials.filter((s) => tables.has(s.table_name))) {
    await tx.$queryRawUnsafe(
      `SELECT setval(pg_get_serial_sequence('"${table}"', '${column}'), COALESCE(MAX("${column}"), 0) + 1, false) FROM "${table}"`,
    );
  }
}

/**
 * Replaces every dockpki row of the PostgreSQL database with those of the SQLite file, in one transaction: it all
 * happens, or, on any failure, nothing did. `_prisma_migrations` stays as it is.
 */
export async function replacePostgresRows(file: string): Promise<Map<string, number>> {
  const shapes = readTableShapes(file);
  const [source, target] = [openSqliteClient(file), openPostgresClient()];
  try {
    return await target.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(`TRUNCATE TABLE ${shapes.map((s) => `"${s.model}"`).join(", ")} CASCADE`);
        const counts = await copyTables(source, tx, shapes);
        await resetSequences(tx, shapes);
        return counts;
      },
      { timeout: COPY_TIMEOUT_MS, maxWait: 30_000 },
    );
  } catch (err) {
    throw new InputError(
      `The backup's rows could not be written into the ${databaseLabel()}, so the restore was rolled back and nothing was changed: ${sentence(err)}`,
    );
  } finally {
    await Promise.all([source.$disconnect(), target.$disconnect()]);
  }
}
