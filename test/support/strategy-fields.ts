/** A complete, valid internationalisation strategy (structured fields), as the demo and tests submit it. */
export const demoStrategyFields = (over: Record<string, unknown> = {}) => ({
  period: { from: 2026, to: 2030 },
  vision: 'A regionally connected research university that sends and welcomes students and staff across ASEAN and Europe.',
  goals: [
    {
      title: 'Grow student and staff mobility',
      kpis: [
        { kind: 'outgoing_mobility', name: 'Outgoing students per year', unit: 'students', baseline: 35, targets: { '2026': 40, '2028': 70, '2030': 100 } },
        { kind: 'incoming_mobility', name: 'Incoming students per year', unit: 'students', baseline: 12, targets: { '2030': 50 } },
      ],
    },
    { title: 'Joint research with partner universities', kpis: [{ kind: 'joint_research_outputs', name: 'Co-authored publications', targets: { '2030': 30 } }] },
    { title: 'Active partnerships', kpis: [{ kind: 'active_mous', name: 'Active MoUs', baseline: 18, targets: { '2030': 30 } }] },
  ],
  budget: { amount: 250000, currency: 'USD' },
  responsibleUnits: ['International Relations Office', 'Research Office'],
  ...over,
});
