/*
  Warnings:

  - You are about to drop the column `failures` on the `LoginThrottle` table. All the data in the column will be lost.
  - You are about to drop the column `lockedUntil` on the `LoginThrottle` table. All the data in the column will be lost.

*/
-- CreateTable
CREATE TABLE "KnownAddress" (
    "adminId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,

    PRIMARY KEY ("adminId", "address"),
    CONSTRAINT "KnownAddress_adminId_fkey" FOREIGN KEY ("adminId") REFERENCES "Admin" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_LoginThrottle" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "windowStart" DATETIME NOT NULL
);
INSERT INTO "new_LoginThrottle" ("key", "windowStart") SELECT "key", "windowStart" FROM "LoginThrottle";
DROP TABLE "LoginThrottle";
ALTER TABLE "new_LoginThrottle" RENAME TO "LoginThrottle";
CREATE INDEX "LoginThrottle_windowStart_idx" ON "LoginThrottle"("windowStart");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "KnownAddress_lastSeenAt_idx" ON "KnownAddress"("lastSeenAt");
