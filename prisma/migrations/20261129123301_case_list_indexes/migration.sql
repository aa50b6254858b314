-- CreateIndex
CREATE INDEX "Case_createdAt_id_idx" ON "Case"("createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "Case_openAssignees_idx" ON "Case" USING GIN ("openAssignees");

-- CreateIndex
CREATE INDEX "Case_assignees_idx" ON "Case" USING GIN ("assignees");

-- CreateIndex
CREATE INDEX "SealedDocument_caseId_createdAt_idx" ON "SealedDocument"("caseId", "createdAt");
