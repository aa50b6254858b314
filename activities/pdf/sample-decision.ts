// A realistic decision for the sample script, the benchmark and the tests: RUPP's internationalisation strategy
// 2026–2030, reviewed by its IRO and leadership and approved with conditions by MoEYS.
import type { DecisionDocument } from './types.js';

export function sampleDecision(overrides: Partial<DecisionDocument> = {}): DecisionDocument {
  return {
    title: 'Internationalisation strategy 2026–2030 of the Royal University of Phnom Penh',
    caseId: 'STR-2026-0042',
    decisionId: 'STR-2026-0042/moeys-signoff',
    processType: 'strategy',
    institutions: [
      { name: 'Royal University of Phnom Penh', code: 'RUPP', country: 'Cambodia', role: 'Submitting institution' },
      { name: 'Ministry of Education, Youth and Sport', code: 'MOEYS', country: 'Cambodia', role: 'Approving authority' },
    ],
    decision: {
      outcome: 'approved_with_conditions',
      conditions: [
        'RUPP reports progress on the mobility and joint-research KPIs to the MoEYS Department of Higher Education every twelve months, using the CHAIn reporting template.',
        'The budget line for incoming exchange students (USD 180,000 over the period) is confirmed in the university budget for 2027 before the first call for applications.',
        'Credit recognition for outgoing students follows the ACC–ECTS–AUN-ACTS conversion table approved by MoEYS; deviations are documented with a reason code.',
      ],
      comment:
        'The Ministry welcomes a strategy that ties internationalisation to measurable outcomes for students and staff. The priorities on ASEAN mobility, joint research with EU partners (Saarland University, University of Alicante) and English-medium instruction in three faculties are consistent with the Higher Education Vision 2030. The conditions above are part of this approval.',
    },
    approvedDocument: {
      sha256: '3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b',
      version: 3,
      fileName: 'RUPP-internationalisation-strategy-2026-2030-v3.pdf',
    },
    decisions: [
      {
        id: 'upd-7f1c2a',
        who: { name: 'Sokha Chan', email: 'sokha.chan@rupp.edu.kh' },
        role: 'IRO check',
        institutionCode: 'RUPP',
        action: 'approve',
        comment: 'Complete: goals, KPIs, budget and period are filled in and consistent with the attached strategy document (version 3).',
        at: '2026-09-02T03:15:42Z',
        via: 'web',
      },
      {
        id: 'upd-93b0de',
        who: { name: 'Dr. Vannak Kim', email: 'rector.office@rupp.edu.kh' },
        role: 'Leadership endorsement',
        institutionCode: 'RUPP',
        action: 'approve',
        comment: 'Endorsed by the University Council on 1 September 2026 (resolution 14/2026).',
        at: '2026-09-04T08:02:10Z',
        via: 'link',
      },
      {
        id: 'upd-b4e671',
        who: { name: 'Srey Leak Phan', email: 's.phan@moeys.gov.kh' },
        role: 'MoEYS review',
        institutionCode: 'MOEYS',
        action: 'send_back',
        comment:
          'The KPI on incoming students has no baseline and the budget for the exchange programme is not broken down by year. Please add the 2025 baseline (number of incoming exchange students per faculty) and a yearly budget table, and state who is responsible for each KPI. The rest of the strategy is well structured; the section on joint research with EU partners is particularly clear.',
        at: '2026-09-19T02:40:00Z',
        via: 'link',
      },
      {
        id: 'upd-c8a102',
        who: { name: 'Sokha Chan', email: 'sokha.chan@rupp.edu.kh' },
        role: 'IRO check',
        institutionCode: 'RUPP',
        action: 'approve',
        comment: 'Resubmitted as version 3 with the 2025 baseline per faculty, a yearly budget table (2026–2030) and an owner for each KPI.',
        at: '2026-10-06T04:12:31Z',
        via: 'web',
      },
      {
        id: 'upd-d90f3e',
        who: { name: 'Srey Leak Phan', email: 's.phan@moeys.gov.kh' },
        role: 'MoEYS review',
        institutionCode: 'MOEYS',
        action: 'approve',
        comment: 'Baseline and budget breakdown added as requested. Recommended for sign-off with the reporting condition.',
        at: '2026-10-20T07:30:05Z',
        via: 'link',
      },
      {
        id: 'upd-e21a77',
        who: { name: 'H.E. Dr. Chanthy Meas', email: 'dhe.director@moeys.gov.kh' },
        role: 'MoEYS sign-off',
        institutionCode: 'MOEYS',
        action: 'approve_with_conditions',
        comment: 'Approved with the three conditions stated in this decision.',
        at: '2026-11-27T09:14:00Z',
        via: 'api',
      },
    ],
    workflowId: 'STR-2026-0042',
    policy: { key: 'strategy/default', version: 4 },
    auditHeadHash: 'b5d9f0c1e27a4a3f9d6e8c2b71f04a9e3c5d7b8a1f2e4c6d8b0a9f7e5d3c1b2a',
    verificationUrl: 'https://chain.example.edu.kh/verify/STR-2026-0042',
    sealedAt: '2026-11-28T02:00:00Z',
    developmentCertificate: true,
    ...overrides,
  };
}

/** The same decision as written by a Khmer-speaking IRO: Khmer title, the IRO officer's name and comment in Khmer. */
export function sampleKhmerDecision(overrides: Partial<DecisionDocument> = {}): DecisionDocument {
  const doc = sampleDecision();
  const [first, ...rest] = doc.decisions;
  return {
    ...doc,
    title: 'យុទ្ធសាស្ត្រអន្តរជាតិភាវូបនីយកម្ម សាកលវិទ្យាល័យភូមិន្ទភ្នំពេញ ឆ្នាំ២០២៦–២០៣០',
    decisions: [
      {
        ...first!,
        who: { ...first!.who, name: 'ចាន់ សុខា (Sokha Chan)' },
        comment: 'ការិយាល័យទំនាក់ទំនងអន្តរជាតិបានពិនិត្យឯកសារ គោលដៅ សូចនាករ និងថវិកា ហើយយល់ព្រមបញ្ជូនទៅថ្នាក់ដឹកនាំ។ Budget 2026–2030 (USD 180,000) ត្រូវនឹងកំណែទី៣។',
      },
      ...rest,
    ],
    ...overrides,
  };
}
