-- AlterEnum
ALTER TYPE "CaseType" ADD VALUE 'strategy_report';
