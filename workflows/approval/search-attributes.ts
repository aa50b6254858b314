// Search attributes of a case, so that lists and counts can come from Temporal visibility. They must be
// registered on the namespace (the launcher and the worker do it; see README for a cluster).
import { defineSearchAttributeKey } from '@temporalio/common';

export const caseTypeKey = defineSearchAttributeKey('ChainCaseType', 'KEYWORD');
export const institutionKey = defineSearchAttributeKey('ChainInstitution', 'KEYWORD');
export const statusKey = defineSearchAttributeKey('ChainStatus', 'KEYWORD');
export const stageKey = defineSearchAttributeKey('ChainStage', 'KEYWORD');
export const dueAtKey = defineSearchAttributeKey('ChainDueAt', 'DATETIME');
export const assigneesKey = defineSearchAttributeKey('ChainAssignees', 'KEYWORD_LIST');

export const allSearchAttributeKeys = [caseTypeKey, institutionKey, statusKey, stageKey, dueAtKey, assigneesKey];
