// Fills one database for a benchmark that serves it from other processes (bench/instances.ts): run as a
// child with DOCKPKI_MASTER_KEY and either DOCKPKI_DATA_DIR (SQLite) or DATABASE_URL (PostgreSQL) set, as
// the servers will have them. It migrates, makes a CA (ECDSA P-256, the default) and seeds the inventory as
// bench/lists.ts does, VACUUMs and ANALYZEs PostgreSQL, and makes an admin with a session for the HTML
// pages. It answers one JSON line on stdout, for the parent only (the session is a secret: never print it).
// Run: node --conditions=react-server --import tsx bench/support/seed-database.ts HOSTS CLIENTS CERTIFICATES

import { databasePath, databaseProvider, migrationsDir, postgresUrl } from "@/lib/config";
import { applyMigrations, applyPostgresMigrations } from "@/lib/migrate";

const [hosts, clients, certificates] = process.argv.slice(2).map(Number);
if (![hosts, clients, certificates].every((n) => Number.isInteger(n) && n > 0)) {
  console.error("Give the number of hosts, clients and certificates, e.g. 10000 10000 50000.");
  process.exit(2);
}

const postgres = databaseProvider() === "postgresql";
if (postgres) await applyPostgresMigrations({ url: postgresUrl(), migrationsDir: migrationsDir() });
else applyMigrations({ databasePath: databasePath(), migrationsDir: migrationsDir() });

const { db } = await import("@/lib/db");
const { createCertificateAuthority } = await import("@/lib/ca/cas");
const { caCreateSchema } = await import("@/lib/ca/ca.schema");
const { createAdmin } = await import("@/lib/admins");
const { createSession } = await import("@/lib/auth/sessions");
const { seedInventory } = await import("./seed");

const cli = { kind: "cli" } as const;
await createCertificateAuthority(cli, caCreateSchema.parse({ commonName: "Bench CA" }));
const t0 = performance.now();
const seeded = await seedInventory({ hosts, clients, certificates });
// What autovacuum does some time after a bulk load, done now so no figure depends on when it wakes: fresh
// statistics, and the visibility map that lets a count read an index without visiting the table.
if (postgres) await db.$executeRawUnsafe("VACUUM ANALYZE");
const seedMs = performance.now() - t0;
const byStatus = await db.certificate.groupBy({ by: ["status"], _count: true });
// Hosts in creation order of their names (host-1, host-2, ...): the first 95% have certificates, the rest none.
const hostRows = await db.host.findMany({ select: { id: true, name: true } });
const hostIds = hostRows
  .map((h) => ({ id: h.id, n: Number(h.name.slice("host-".length)) }))
  .sort((a, b) => a.n - b.n)
  .map((h) => h.id);
const admin = await createAdmin(cli, { username: "bench", password: "bench-password-0123456789" });
const { token: session } = await createSession(admin.id);
await db.$disconnect();

process.stdout.write(
  `${JSON.stringify({
    certificates: seeded.certificates,
    byStatus: Object.fromEntries(byStatus.map((s) => [s.status, s._count])),
    seedMs,
    hostIds,
    session,
  })}\n`,
);
