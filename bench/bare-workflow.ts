// The baseline for `npm run bench`: a bare Temporal workflow with the same number of Updates and activities as
// one engine case, where the activities do nothing. Bundled on its own (bench only).
//
// The case runs in phases: phase 0 after the start, phase i after decision i. In each phase `open` activities run
// before the next step opens (the engine resolves the step's assignees first), then `rest` after it (the engine's
// notifications, audit and projection). bench/engine.ts takes these numbers from one engine case's history.
import { allHandlersFinished, condition, defineQuery, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

export interface BareActivities {
  noop(phase: number): Promise<number>;
}

export interface BarePhase {
  /** Activities before the phase's step opens. */
  open: number;
  /** Activities after it opened. */
  rest: number;
}

export interface BareInput {
  steps: number;
  /** steps + 1 phases: after the start and after each decision. */
  phases: BarePhase[];
}

export interface BareState {
  decided: number;
  /** The step that may be decided now, or -1. */
  open: number;
}

const { noop } = proxyActivities<BareActivities>({ startToCloseTimeout: '1 minute' });

/** Decides step `step`; answers with the new state, as the engine's decision answers with the case's. */
export const bareDecide = defineUpdate<BareState, [number]>('bareDecide');
export const bareState = defineQuery<BareState>('bareState');

export async function bareWorkflow(input: BareInput): Promise<number> {
  let decided = 0;
  let open = -1;
  setHandler(bareState, () => ({ decided, open }));
  setHandler(
    bareDecide,
    () => {
      decided++;
      open = -1;
      return { decided, open };
    },
    { validator: (step) => { if (step !== open) throw new Error(`step ${step} is not open (open: ${open})`); } },
  );
  for (let phase = 0; phase <= input.steps; phase++) {
    const p = input.phases[phase] ?? { open: 0, rest: 0 };
    for (let i = 0; i < p.open; i++) await noop(phase);
    if (phase < input.steps) open = phase;
    for (let i = 0; i < p.rest; i++) await noop(phase);
    if (phase < input.steps) await condition(() => decided > phase);
  }
  await condition(allHandlersFinished);
  return decided;
}
