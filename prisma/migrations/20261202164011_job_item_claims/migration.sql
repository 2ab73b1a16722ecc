-- AlterTable
ALTER TABLE "JobItem" ADD COLUMN "claimedBy" TEXT;
ALTER TABLE "JobItem" ADD COLUMN "claimedUntil" DATETIME;
