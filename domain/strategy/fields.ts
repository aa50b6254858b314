// The structured part of an internationalisation strategy (the document itself is a PDF version beside it).
// Workflow-safe: zod only.
import { z } from 'zod';

export const kpiKinds = [
  'outgoing_mobility',
  'incoming_mobility',
  'active_mous',
  'joint_research_outputs',
  'international_staff',
  'joint_programmes',
  'other',
] as const;

const year = z.coerce.number().int().min(2000, 'a year such as 2026').max(2100, 'a year such as 2030');

export const kpiSchema = z
  .object({
    kind: z.enum(kpiKinds),
    name: z.string().trim().min(3, 'name the indicator').max(200),
    unit: z.string().trim().min(1).max(40).default('count'),
    baseline: z.coerce.number().min(0).optional(),
    /** Target per year of the period, e.g. { "2026": 40, "2027": 60 }. */
    targets: z.record(z.string().regex(/^\d{4}$/, 'a year'), z.coerce.number().min(0)).refine((t) => Object.keys(t).length > 0, 'give at least one yearly target'),
  })
  .strict();

export const goalSchema = z
  .object({
    title: z.string().trim().min(3, 'name the goal').max(300),
    description: z.string().trim().max(4000).optional(),
    kpis: z.array(kpiSchema).min(1, 'each goal needs at least one KPI').max(20),
  })
  .strict();

export const strategyFieldsSchema = z
  .object({
    period: z.object({ from: year, to: year }).strict().refine((p) => p.to > p.from, { message: 'the period must end after it starts', path: ['to'] }),
    vision: z.string().trim().min(20, 'state the vision in at least a sentence (20 characters)').max(4000),
    goals: z.array(goalSchema).min(1, 'add at least one goal').max(20),
    budget: z
      .object({ amount: z.coerce.number().min(0), currency: z.enum(['USD', 'KHR', 'EUR']).default('USD') })
      .strict(),
    responsibleUnits: z.array(z.string().trim().min(2).max(200)).min(1, 'name at least one responsible unit').max(20),
  })
  .strict()
  .superRefine((s, ctx) => {
    // Target years are only meaningful against a valid period (its own error is reported already).
    if (s.period.to <= s.period.from) return;
    s.goals.forEach((g, gi) =>
      g.kpis.forEach((k, ki) => {
        for (const y of Object.keys(k.targets)) {
          const n = Number(y);
          if (n < s.period.from || n > s.period.to) {
            ctx.addIssue({ code: 'custom', path: ['goals', gi, 'kpis', ki, 'targets', y], message: `${y} is outside the period ${s.period.from}–${s.period.to}` });
          }
        }
      }),
    );
  });

export type StrategyFields = z.infer<typeof strategyFieldsSchema>;
