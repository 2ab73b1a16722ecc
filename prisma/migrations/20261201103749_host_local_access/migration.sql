-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Host" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "dnsNames" TEXT NOT NULL DEFAULT '[]',
    "ipAddresses" TEXT NOT NULL DEFAULT '[]',
    "port" INTEGER NOT NULL DEFAULT 2376,
    "configStyle" TEXT NOT NULL DEFAULT 'systemd',
    "keepUnixSocket" BOOLEAN NOT NULL DEFAULT true,
    "localAccess" BOOLEAN NOT NULL DEFAULT false,
    "tlsMode" TEXT NOT NULL DEFAULT 'mtls',
    "role" TEXT NOT NULL DEFAULT 'standalone',
    "labels" TEXT NOT NULL DEFAULT '',
    "notes" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Host" ("configStyle", "createdAt", "dnsNames", "id", "ipAddresses", "keepUnixSocket", "labels", "name", "notes", "port", "role", "tlsMode", "updatedAt") SELECT "configStyle", "createdAt", "dnsNames", "id", "ipAddresses", "keepUnixSocket", "labels", "name", "notes", "port", "role", "tlsMode", "updatedAt" FROM "Host";
DROP TABLE "Host";
ALTER TABLE "new_Host" RENAME TO "Host";
CREATE UNIQUE INDEX "Host_name_key" ON "Host"("name");
CREATE INDEX "Host_createdAt_idx" ON "Host"("createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
