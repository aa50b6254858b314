// The network-wide default policies, loaded by the seed (version 1 of each). Institutions may add their own
// versions through the API; a case runs on the snapshot it started with.
import type { Policy } from './policy.js';

export const strategyRubric = {
  criteria: [
    { id: 'alignment', label: 'Alignment with MoEYS higher-education policy and reforms', min: 1, max: 5 },
    { id: 'goals', label: 'Clarity of goals and measurable KPIs', min: 1, max: 5 },
    { id: 'feasibility', label: 'Feasibility of budget and resources', min: 1, max: 5 },
    { id: 'partnerships', label: 'Quality of international partnerships and mobility plans', min: 1, max: 5 },
    { id: 'governance', label: 'Governance, responsible units and monitoring', min: 1, max: 5 },
  ],
};

export const defaultStrategyPolicy: Policy = {
  key: 'strategy-default',
  processType: 'strategy',
  institution: null,
  version: 1,
  name: 'Internationalisation strategy review (network default)',
  stages: [
    {
      id: 'iro_check',
      name: 'IRO check',
      steps: [
        {
          id: 'iro_check',
          name: 'IRO completeness check',
          assignees: [{ kind: 'role', role: 'iro', institution: 'case' }],
          mode: { type: 'any' },
          deadline: { workingDays: 5 },
          reminders: { every: { workingDays: 2 }, max: 5 },
          sendBack: { to: ['submitter'] },
          viaLink: false,
          linkExpiryDays: 14,
          actions: ['approve', 'reject'],
        },
      ],
    },
    {
      id: 'endorsement',
      name: 'Leadership endorsement',
      steps: [
        {
          id: 'leadership_endorsement',
          name: 'Endorsement by the rector / president',
          assignees: [{ kind: 'role', role: 'leadership', institution: 'case' }],
          mode: { type: 'any' },
          deadline: { workingDays: 10 },
          reminders: { every: { workingDays: 3 }, max: 5 },
          sendBack: { to: ['submitter', 'iro_check'] },
          viaLink: false,
          linkExpiryDays: 14,
          actions: ['approve', 'reject'],
        },
      ],
    },
    {
      id: 'moeys_review',
      name: 'MoEYS review',
      steps: [
        {
          id: 'moeys_review',
          name: 'MoEYS review (rubric)',
          assignees: [{ kind: 'role', role: 'moeys_reviewer', institution: 'moeys' }],
          mode: { type: 'quorum', n: 2 },
          deadline: { workingDays: 15 },
          reminders: { every: { workingDays: 3 }, max: 6 },
          escalation: { after: { workingDays: 20 }, action: 'add', to: { kind: 'role', role: 'admin', institution: 'moeys' } },
          sendBack: { to: ['submitter'] },
          rubric: strategyRubric,
          viaLink: true,
          linkExpiryDays: 14,
          actions: ['approve', 'reject'],
        },
      ],
    },
    {
      id: 'moeys_signoff',
      name: 'MoEYS sign-off',
      steps: [
        {
          id: 'moeys_signoff',
          name: 'Sign-off by the MoEYS director',
          assignees: [{ kind: 'role', role: 'leadership', institution: 'moeys' }],
          mode: { type: 'any' },
          deadline: { workingDays: 10 },
          reminders: { every: { workingDays: 3 }, max: 5 },
          sendBack: { to: ['submitter', 'moeys_review'] },
          viaLink: true,
          linkExpiryDays: 14,
          actions: ['approve', 'reject'],
        },
      ],
    },
  ],
};

export const defaultMouPolicy: Policy = {
  key: 'mou-default',
  processType: 'mou',
  institution: null,
  version: 1,
  name: 'MoU / agreement for joint research and mobility (network default)',
  stages: [
    {
      id: 'internal_review',
      name: 'Internal review',
      steps: [
        {
          id: 'legal_review',
          name: 'Legal review',
          assignees: [{ kind: 'role', role: 'admin', institution: 'case' }],
          mode: { type: 'any' },
          deadline: { workingDays: 10 },
          reminders: { every: { workingDays: 3 } },
          sendBack: { to: ['submitter'] },
          viaLink: false,
          linkExpiryDays: 14,
          actions: ['approve', 'reject'],
        },
        {
          id: 'finance_review',
          name: 'Finance review (money committed above USD 50,000)',
          assignees: [{ kind: 'role', role: 'leadership', institution: 'case' }],
          mode: { type: 'any' },
          condition: { field: 'budget.amount', op: 'gt', value: 50000 },
          deadline: { workingDays: 10 },
          sendBack: { to: ['submitter'] },
          viaLink: false,
          linkExpiryDays: 14,
          actions: ['approve', 'reject'],
        },
      ],
    },
    {
      id: 'rector_signature',
      name: 'Rector signature',
      steps: [
        {
          id: 'rector_signature',
          name: 'Signature by the rector',
          assignees: [{ kind: 'role', role: 'leadership', institution: 'case' }],
          mode: { type: 'any' },
          deadline: { workingDays: 10 },
          sendBack: { to: ['submitter', 'internal_review'] },
          viaLink: false,
          linkExpiryDays: 14,
          actions: ['approve', 'reject'],
        },
      ],
    },
    {
      id: 'partner_countersign',
      name: 'Partner countersignature',
      steps: [
        {
          id: 'partner_countersign',
          name: 'Countersignature by the partner institution',
          assignees: [{ kind: 'external', emailField: 'partner.signatoryEmail' }],
          mode: { type: 'any' },
          deadline: { days: 30 },
          reminders: { every: { days: 7 }, max: 4 },
          sendBack: { to: ['submitter'] },
          viaLink: true,
          linkExpiryDays: 30,
          actions: ['approve', 'reject'],
        },
      ],
    },
    {
      id: 'moeys_record',
      name: 'MoEYS record',
      steps: [
        {
          id: 'moeys_record',
          name: 'Recorded by MoEYS',
          assignees: [{ kind: 'role', role: 'moeys_reviewer', institution: 'moeys' }],
          mode: { type: 'any' },
          deadline: { workingDays: 10 },
          viaLink: true,
          linkExpiryDays: 14,
          actions: ['approve'],
        },
      ],
    },
  ],
};

export const defaultRecognitionPolicy: Policy = {
  key: 'recognition-default',
  processType: 'recognition',
  institution: null,
  version: 1,
  name: 'Credit recognition for mobility (network default)',
  stages: [
    {
      id: 'learning_agreement',
      name: 'Learning agreement',
      steps: [
        {
          id: 'sending_faculty',
          name: 'Approval by the sending faculty',
          assignees: [{ kind: 'role', role: 'faculty', institution: 'case' }],
          mode: { type: 'any' },
          deadline: { workingDays: 10 },
          sendBack: { to: ['submitter'] },
          viaLink: false,
          linkExpiryDays: 14,
          actions: ['approve', 'reject'],
        },
        {
          id: 'receiving_institution',
          name: 'Approval by the receiving institution',
          assignees: [{ kind: 'external', emailField: 'receiving.contactEmail' }],
          mode: { type: 'any' },
          deadline: { days: 21 },
          reminders: { every: { days: 7 }, max: 3 },
          sendBack: { to: ['submitter'] },
          viaLink: true,
          linkExpiryDays: 30,
          actions: ['approve', 'reject'],
        },
      ],
    },
    {
      id: 'recognition_decision',
      name: 'Recognition decision',
      steps: [
        {
          id: 'recognition_committee',
          name: 'Course-by-course recognition by the faculty',
          assignees: [{ kind: 'role', role: 'faculty', institution: 'case' }],
          mode: { type: 'any' },
          deadline: { workingDays: 15 },
          reminders: { every: { workingDays: 5 } },
          sendBack: { to: ['submitter'] },
          viaLink: false,
          linkExpiryDays: 14,
          actions: ['approve', 'reject'],
        },
      ],
    },
  ],
};

/** A progress report (mid-period or end) on a signed-off strategy: one MoEYS review, decided from the email link. */
export const defaultStrategyReportPolicy: Policy = {
  key: 'strategy-report-default',
  processType: 'strategy_report',
  institution: null,
  version: 1,
  name: 'Progress report on an internationalisation strategy (network default)',
  stages: [
    {
      id: 'moeys_report_review',
      name: 'MoEYS review of the progress report',
      steps: [
        {
          id: 'moeys_report_review',
          name: 'MoEYS review of the progress report',
          assignees: [{ kind: 'role', role: 'moeys_reviewer', institution: 'moeys' }],
          mode: { type: 'any' },
          // As the strategy's own MoEYS review.
          deadline: { workingDays: 15 },
          reminders: { every: { workingDays: 3 }, max: 6 },
          escalation: { after: { workingDays: 20 }, action: 'add', to: { kind: 'role', role: 'admin', institution: 'moeys' } },
          sendBack: { to: ['submitter'] },
          viaLink: true,
          linkExpiryDays: 14,
          actions: ['approve', 'reject'],
        },
      ],
    },
  ],
};

export const defaultPolicies: Policy[] = [defaultStrategyPolicy, defaultMouPolicy, defaultRecognitionPolicy, defaultStrategyReportPolicy];
