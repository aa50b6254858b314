// The kinds of case the engine runs, defined once. Workflow-safe (no imports): the workflow input, the policy
// schema, the API's zod schemas, authorisation and the sealed PDF all take the list from here. The Prisma enum
// CaseType (prisma/schema.prisma) has the same values; api/cases/schemas.ts fails to compile when they differ.
export const caseTypes = ['strategy', 'mou', 'recognition', 'strategy_report'] as const;

export type CaseType = (typeof caseTypes)[number];
