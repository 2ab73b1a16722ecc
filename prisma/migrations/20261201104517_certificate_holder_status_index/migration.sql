-- CreateIndex
CREATE INDEX "Certificate_hostId_status_notAfter_idx" ON "Certificate"("hostId", "status", "notAfter");

-- CreateIndex
CREATE INDEX "Certificate_clientId_status_notAfter_idx" ON "Certificate"("clientId", "status", "notAfter");
