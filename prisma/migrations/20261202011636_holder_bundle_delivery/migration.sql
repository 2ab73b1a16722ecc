-- AlterTable
ALTER TABLE "Client" ADD COLUMN "bundleCaIds" TEXT;
ALTER TABLE "Client" ADD COLUMN "bundleCertificateId" TEXT;
ALTER TABLE "Client" ADD COLUMN "bundleDeliveredAt" DATETIME;

-- AlterTable
ALTER TABLE "Host" ADD COLUMN "bundleCaIds" TEXT;
ALTER TABLE "Host" ADD COLUMN "bundleCertificateId" TEXT;
ALTER TABLE "Host" ADD COLUMN "bundleDeliveredAt" DATETIME;

-- Backfill from the audit log: the last bundle each host and client downloaded, and the CAs every
-- bundle carried at that moment (those created by then and not yet retired).
UPDATE "Host" SET ("bundleCertificateId", "bundleDeliveredAt") = (
    SELECT c."id", e."at" FROM "AuditEvent" e
    JOIN "Certificate" c ON c."id" = json_extract(e."detail", '$.id')
    WHERE e."action" = 'cert.download' AND c."hostId" = "Host"."id"
    ORDER BY e."id" DESC LIMIT 1
);
UPDATE "Client" SET ("bundleCertificateId", "bundleDeliveredAt") = (
    SELECT c."id", e."at" FROM "AuditEvent" e
    JOIN "Certificate" c ON c."id" = json_extract(e."detail", '$.id')
    WHERE e."action" = 'cert.download' AND c."clientId" = "Client"."id"
    ORDER BY e."id" DESC LIMIT 1
);
UPDATE "Host" SET "bundleCaIds" = (
    SELECT json_group_array(ca."id") FROM "CertificateAuthority" ca
    WHERE ca."createdAt" <= "Host"."bundleDeliveredAt"
      AND (ca."retiredAt" IS NULL OR ca."retiredAt" > "Host"."bundleDeliveredAt")
) WHERE "bundleDeliveredAt" IS NOT NULL;
UPDATE "Client" SET "bundleCaIds" = (
    SELECT json_group_array(ca."id") FROM "CertificateAuthority" ca
    WHERE ca."createdAt" <= "Client"."bundleDeliveredAt"
      AND (ca."retiredAt" IS NULL OR ca."retiredAt" > "Client"."bundleDeliveredAt")
) WHERE "bundleDeliveredAt" IS NOT NULL;
