-- Roles for admins; tokens get an expiry. Existing admins and tokens keep "admin", so an upgrade
-- changes nothing. ADD COLUMN rather than Prisma's table rebuild: dropping "Admin" would cascade to
-- its sessions, tokens and known addresses.
ALTER TABLE "Admin" ADD COLUMN "role" TEXT NOT NULL DEFAULT 'admin';

ALTER TABLE "ApiToken" ADD COLUMN "expiresAt" DATETIME;

CREATE INDEX "ApiToken_name_idx" ON "ApiToken"("name");
