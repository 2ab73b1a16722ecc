-- AlterTable
ALTER TABLE "Client" ADD COLUMN "keyType" TEXT;

-- AlterTable
ALTER TABLE "Host" ADD COLUMN "keyType" TEXT;

-- CreateTable
CREATE TABLE "PendingCa" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "commonName" TEXT NOT NULL,
    "keyType" TEXT NOT NULL,
    "keySize" INTEGER NOT NULL,
    "days" INTEGER NOT NULL,
    "csrPem" TEXT NOT NULL,
    "keySealed" BLOB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "PooledKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "keyType" TEXT NOT NULL,
    "keySize" INTEGER NOT NULL,
    "publicKeyPem" TEXT NOT NULL,
    "keySealed" BLOB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
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
    "keyType" TEXT NOT NULL DEFAULT 'rsa',
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
INSERT INTO "new_Certificate" ("caId", "certPem", "clientId", "commonName", "createdAt", "csrPem", "dnsNames", "extKeyUsage", "fingerprint", "hostId", "id", "ipAddresses", "issuedBy", "keySealed", "keySize", "kind", "notAfter", "notBefore", "publicKeySha256", "purpose", "revocationReason", "revokedAt", "serial", "status", "subject", "supersededById") SELECT "caId", "certPem", "clientId", "commonName", "createdAt", "csrPem", "dnsNames", "extKeyUsage", "fingerprint", "hostId", "id", "ipAddresses", "issuedBy", "keySealed", "keySize", "kind", "notAfter", "notBefore", "publicKeySha256", "purpose", "revocationReason", "revokedAt", "serial", "status", "subject", "supersededById" FROM "Certificate";
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
CREATE TABLE "new_CertificateAuthority" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "status" TEXT NOT NULL DEFAULT 'active',
    "commonName" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "serial" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "keyAlgorithm" TEXT NOT NULL DEFAULT 'RSA',
    "keyType" TEXT NOT NULL DEFAULT 'rsa',
    "keySize" INTEGER NOT NULL,
    "notBefore" DATETIME NOT NULL,
    "notAfter" DATETIME NOT NULL,
    "certPem" TEXT NOT NULL,
    "keySealed" BLOB NOT NULL,
    "imported" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retiredAt" DATETIME,
    "crlNumber" INTEGER NOT NULL DEFAULT 0,
    "crlPem" TEXT,
    "crlUpdatedAt" DATETIME,
    "crossCertPem" TEXT,
    "rootCertPem" TEXT
);
INSERT INTO "new_CertificateAuthority" ("certPem", "commonName", "createdAt", "crlNumber", "crlPem", "crlUpdatedAt", "crossCertPem", "fingerprint", "id", "imported", "keyAlgorithm", "keySealed", "keySize", "notAfter", "notBefore", "retiredAt", "serial", "status", "subject") SELECT "certPem", "commonName", "createdAt", "crlNumber", "crlPem", "crlUpdatedAt", "crossCertPem", "fingerprint", "id", "imported", "keyAlgorithm", "keySealed", "keySize", "notAfter", "notBefore", "retiredAt", "serial", "status", "subject" FROM "CertificateAuthority";
DROP TABLE "CertificateAuthority";
ALTER TABLE "new_CertificateAuthority" RENAME TO "CertificateAuthority";
CREATE UNIQUE INDEX "CertificateAuthority_fingerprint_key" ON "CertificateAuthority"("fingerprint");
CREATE INDEX "CertificateAuthority_status_idx" ON "CertificateAuthority"("status");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "PooledKey_keyType_keySize_idx" ON "PooledKey"("keyType", "keySize");

-- An install that already issues keeps its leaves RSA (the size it had stays in leafKeySize);
-- a new install starts with ECDSA P-256.
INSERT INTO "Setting" ("key", "value")
SELECT 'leafKeyType', '"rsa"'
WHERE EXISTS (SELECT 1 FROM "CertificateAuthority")
  AND NOT EXISTS (SELECT 1 FROM "Setting" WHERE "key" = 'leafKeyType');
