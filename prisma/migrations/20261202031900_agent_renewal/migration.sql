-- AlterTable
ALTER TABLE "CertificateAuthority" ADD COLUMN "crossCertPem" TEXT;

-- CreateTable
CREATE TABLE "UsedProof" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "expiresAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "EnrollmentToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tokenHash" TEXT NOT NULL,
    "hostId" TEXT,
    "clientId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "certificateId" TEXT,
    "createdBy" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "EnrollmentToken_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "EnrollmentToken_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

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
    "bundleDeliveredAt" DATETIME,
    "renewalEnabled" BOOLEAN NOT NULL DEFAULT true,
    "agentReportAt" DATETIME,
    "agentReportSerial" TEXT,
    "agentReportOutcome" TEXT,
    "agentReportMessage" TEXT
);
INSERT INTO "new_Client" ("bundleCaIds", "bundleCertificateId", "bundleDeliveredAt", "createdAt", "id", "kind", "name", "nameKey", "notes", "updatedAt") SELECT "bundleCaIds", "bundleCertificateId", "bundleDeliveredAt", "createdAt", "id", "kind", "name", "nameKey", "notes", "updatedAt" FROM "Client";
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
    "bundleDeliveredAt" DATETIME,
    "renewalEnabled" BOOLEAN NOT NULL DEFAULT true,
    "renewWindow" TEXT,
    "agentReportAt" DATETIME,
    "agentReportSerial" TEXT,
    "agentReportOutcome" TEXT,
    "agentReportMessage" TEXT,
    "agentServedSerial" TEXT
);
INSERT INTO "new_Host" ("bundleCaIds", "bundleCertificateId", "bundleDeliveredAt", "configStyle", "createdAt", "dnsNames", "id", "ipAddresses", "keepUnixSocket", "labels", "localAccess", "name", "nameKey", "notes", "port", "role", "tlsMode", "updatedAt") SELECT "bundleCaIds", "bundleCertificateId", "bundleDeliveredAt", "configStyle", "createdAt", "dnsNames", "id", "ipAddresses", "keepUnixSocket", "labels", "localAccess", "name", "nameKey", "notes", "port", "role", "tlsMode", "updatedAt" FROM "Host";
DROP TABLE "Host";
ALTER TABLE "new_Host" RENAME TO "Host";
CREATE UNIQUE INDEX "Host_name_key" ON "Host"("name");
CREATE UNIQUE INDEX "Host_nameKey_key" ON "Host"("nameKey");
CREATE INDEX "Host_createdAt_idx" ON "Host"("createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "UsedProof_expiresAt_idx" ON "UsedProof"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "EnrollmentToken_tokenHash_key" ON "EnrollmentToken"("tokenHash");

-- CreateIndex
CREATE INDEX "EnrollmentToken_hostId_idx" ON "EnrollmentToken"("hostId");

-- CreateIndex
CREATE INDEX "EnrollmentToken_clientId_idx" ON "EnrollmentToken"("clientId");

-- CreateIndex
CREATE INDEX "EnrollmentToken_expiresAt_idx" ON "EnrollmentToken"("expiresAt");
