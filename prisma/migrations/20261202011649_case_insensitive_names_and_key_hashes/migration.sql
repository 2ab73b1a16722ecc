/*
  Warnings:

  - Added the required column `nameKey` to the `Client` and `Host` tables, filled from the names below.

*/
-- AlterTable
ALTER TABLE "Certificate" ADD COLUMN "publicKeySha256" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Client" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'person',
    "notes" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "bundleCertificateId" TEXT,
    "bundleCaIds" TEXT,
    "bundleDeliveredAt" DATETIME
);
-- nameKey: the name lower-cased. Names that already differ only in case keep working: the
-- newest of them gets its id appended, and new clashes are refused from now on.
INSERT INTO "new_Client" ("bundleCaIds", "bundleCertificateId", "bundleDeliveredAt", "createdAt", "id", "kind", "name", "notes", "updatedAt", "nameKey") SELECT "bundleCaIds", "bundleCertificateId", "bundleDeliveredAt", "createdAt", "id", "kind", "name", "notes", "updatedAt", CASE WHEN EXISTS (
        SELECT 1 FROM "Client" o WHERE lower(o."name") = lower("Client"."name")
          AND (o."createdAt" < "Client"."createdAt" OR (o."createdAt" = "Client"."createdAt" AND o."id" < "Client"."id"))
    ) THEN lower("name") || '#' || "id" ELSE lower("name") END FROM "Client";
DROP TABLE "Client";
ALTER TABLE "new_Client" RENAME TO "Client";
CREATE UNIQUE INDEX "Client_name_key" ON "Client"("name");
CREATE UNIQUE INDEX "Client_nameKey_key" ON "Client"("nameKey");
CREATE INDEX "Client_createdAt_idx" ON "Client"("createdAt");
CREATE TABLE "new_Host" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
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
    "updatedAt" DATETIME NOT NULL,
    "bundleCertificateId" TEXT,
    "bundleCaIds" TEXT,
    "bundleDeliveredAt" DATETIME
);
-- nameKey: the name lower-cased. Names that already differ only in case keep working: the
-- newest of them gets its id appended, and new clashes are refused from now on.
INSERT INTO "new_Host" ("bundleCaIds", "bundleCertificateId", "bundleDeliveredAt", "configStyle", "createdAt", "dnsNames", "id", "ipAddresses", "keepUnixSocket", "labels", "localAccess", "name", "notes", "port", "role", "tlsMode", "updatedAt", "nameKey") SELECT "bundleCaIds", "bundleCertificateId", "bundleDeliveredAt", "configStyle", "createdAt", "dnsNames", "id", "ipAddresses", "keepUnixSocket", "labels", "localAccess", "name", "notes", "port", "role", "tlsMode", "updatedAt", CASE WHEN EXISTS (
        SELECT 1 FROM "Host" o WHERE lower(o."name") = lower("Host"."name")
          AND (o."createdAt" < "Host"."createdAt" OR (o."createdAt" = "Host"."createdAt" AND o."id" < "Host"."id"))
    ) THEN lower("name") || '#' || "id" ELSE lower("name") END FROM "Host";
DROP TABLE "Host";
ALTER TABLE "new_Host" RENAME TO "Host";
CREATE UNIQUE INDEX "Host_name_key" ON "Host"("name");
CREATE UNIQUE INDEX "Host_nameKey_key" ON "Host"("nameKey");
CREATE INDEX "Host_createdAt_idx" ON "Host"("createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Certificate_publicKeySha256_idx" ON "Certificate"("publicKeySha256");
