-- AlterTable
ALTER TABLE "LinkToken" ADD COLUMN     "issueKey" TEXT,
ADD COLUMN     "revokedReason" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "LinkToken_issueKey_key" ON "LinkToken"("issueKey");
