import {
  COPY_TIMEOUT_MS,
  copyTables,
  openPostgresClient,
  openSqliteClient,
  readTableShapes,
} from "@/lib/cli/table-copy";
import { migrationsDir } from "@/lib/config";
import { Prisma } from "@/lib/generated/prisma-pg/client";
import { applyMigrations } from "@/lib/migrate";

/**
 * Writes every row of the PostgreSQL database into a new SQLite file at `file`, brought to the current schema first,
 * so a backup made on PostgreSQL is the same zip as one made on SQLite. All of it is read in one REPEATABLE READ
 * transaction: one snapshot of the database, however much the instances write meanwhile.
 */
export async function copyPostgresToSqlite(file: string): Promise<Map<string, number>> {
  applyMigrations({ databasePath: file, migrationsDir: migrationsDir("sqlite") });
  const shapes = readTableShapes(file);
  const [source, target] = [openPostgresClient(), openSqliteClient(file)];
  try {
    return await source.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe("SET TRANSACTION READ ONLY");
        return copyTables(tx, target, shapes);
      },
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, timeout: COPY_TIMEOUT_MS, maxWait: 30_000 },
    );
  } finally {
    await Promise.all([source.$disconnect(), target.$disconnect()]);
  }
}
