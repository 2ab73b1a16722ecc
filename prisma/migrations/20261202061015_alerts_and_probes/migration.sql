-- AlterTable
ALTER TABLE "Host" ADD COLUMN "lastProbeAt" DATETIME;
ALTER TABLE "Host" ADD COLUMN "lastProbeStatus" TEXT;
ALTER TABLE "Host" ADD COLUMN "lastProbeSummary" TEXT;

-- CreateTable
CREATE TABLE "AlertChannel" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "urlSealed" BLOB,
    "urlHint" TEXT NOT NULL DEFAULT '',
    "secretSealed" BLOB,
    "smtp" TEXT,
    "smtpPasswordSealed" BLOB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "lastAttemptAt" DATETIME,
    "lastSuccessAt" DATETIME,
    "lastError" TEXT
);

-- CreateTable
CREATE TABLE "AlertEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "key" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AlertDelivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "eventId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "sentAt" DATETIME,
    CONSTRAINT "AlertDelivery_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "AlertEvent" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AlertDelivery_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "AlertChannel" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "HostProbe" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "hostId" TEXT NOT NULL,
    "checkedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL,
    "summary" TEXT NOT NULL DEFAULT '',
    "trigger" TEXT NOT NULL,
    "endpoints" TEXT NOT NULL,
    CONSTRAINT "HostProbe_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Certificate" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "caId" TEXT NOT NULL,
    "hostId" TEXT,
    "clientId" TEXT,
    "serial" TEXT NOT NULL,
    "commonName" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "dnsNames" TEXT NOT NULL DEFAULT '[]',
    "ipAddresses" TEXT NOT NULL DEFAULT '[]',
    "extKeyUsage" TEXT NOT NULL DEFAULT '',
    "keySize" INTEGER NOT NULL,
    "notBefore" DATETIME NOT NULL,
    "notAfter" DATETIME NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "publicKeySha256" TEXT,
    "certPem" TEXT NOT NULL,
    "keySealed" BLOB,
    "csrPem" TEXT,
    "status" TEXT NOT NULL DEFAULT 'active',
    "revokedAt" DATETIME,
    "revocationReason" TEXT,
    "supersededById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "issuedBy" TEXT NOT NULL DEFAULT '',
    "purpose" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "Certificate_caId_fkey" FOREIGN KEY ("caId") REFERENCES "CertificateAuthority" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Certificate_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Certificate_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Certificate" ("caId", "certPem", "clientId", "commonName", "createdAt", "csrPem", "dnsNames", "extKeyUsage", "fingerprint", "hostId", "id", "ipAddresses", "issuedBy", "keySealed", "keySize", "kind", "notAfter", "notBefore", "publicKeySha256", "revocationReason", "revokedAt", "serial", "status", "subject", "supersededById") SELECT "caId", "certPem", "clientId", "commonName", "createdAt", "csrPem", "dnsNames", "extKeyUsage", "fingerprint", "hostId", "id", "ipAddresses", "issuedBy", "keySealed", "keySize", "kind", "notAfter", "notBefore", "publicKeySha256", "revocationReason", "revokedAt", "serial", "status", "subject", "supersededById" FROM "Certificate";
DROP TABLE "Certificate";
ALTER TABLE "new_Certificate" RENAME TO "Certificate";
CREATE UNIQUE INDEX "Certificate_serial_key" ON "Certificate"("serial");
CREATE UNIQUE INDEX "Certificate_fingerprint_key" ON "Certificate"("fingerprint");
CREATE INDEX "Certificate_hostId_createdAt_idx" ON "Certificate"("hostId", "createdAt");
CREATE INDEX "Certificate_clientId_createdAt_idx" ON "Certificate"("clientId", "createdAt");
CREATE INDEX "Certificate_hostId_status_notAfter_idx" ON "Certificate"("hostId", "status", "notAfter");
CREATE INDEX "Certificate_clientId_status_notAfter_idx" ON "Certificate"("clientId", "status", "notAfter");
CREATE INDEX "Certificate_createdAt_idx" ON "Certificate"("createdAt");
CREATE INDEX "Certificate_status_createdAt_idx" ON "Certificate"("status", "createdAt");
CREATE INDEX "Certificate_caId_status_idx" ON "Certificate"("caId", "status");
CREATE INDEX "Certificate_status_notAfter_idx" ON "Certificate"("status", "notAfter");
CREATE INDEX "Certificate_notAfter_idx" ON "Certificate"("notAfter");
CREATE INDEX "Certificate_publicKeySha256_idx" ON "Certificate"("publicKeySha256");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "AlertChannel_name_key" ON "AlertChannel"("name");

-- CreateIndex
CREATE UNIQUE INDEX "AlertEvent_key_key" ON "AlertEvent"("key");

-- CreateIndex
CREATE INDEX "AlertEvent_createdAt_idx" ON "AlertEvent"("createdAt");

-- CreateIndex
CREATE INDEX "AlertDelivery_status_nextAttemptAt_idx" ON "AlertDelivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "AlertDelivery_channelId_status_idx" ON "AlertDelivery"("channelId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "AlertDelivery_eventId_channelId_key" ON "AlertDelivery"("eventId", "channelId");

-- CreateIndex
CREATE INDEX "HostProbe_hostId_checkedAt_idx" ON "HostProbe"("hostId", "checkedAt");
