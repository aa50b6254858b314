// The baseline for `npm run bench`: a bare Temporal workflow with the same number of Updates and activities as
// a three-step case, where the activities do nothing. Bundled on its own (bench only).
import { condition, defineQuery, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

export interface BareActivities {
  noop(step: number): Promise<number>;
}

const { noop } = proxyActivities<BareActivities>({ startToCloseTimeout: '1 minute' });

export const bareDecide = defineUpdate<number, [number]>('bareDecide');
export const bareState = defineQuery<number>('bareState');

export async function bareWorkflow(steps: number): Promise<number> {
  let decided = 0;
  let pending = 0;
  setHandler(bareState, () => decided);
  setHandler(
    bareDecide,
    (step) => {
      decided++;
      pending++;
      return step;
    },
    { validator: (step) => { if (step !== decided) throw new Error(`step ${decided} is open, not ${step}`); } },
  );
  await noop(-1);
  while (decided < steps) {
    await condition(() => pending > 0);
    pending--;
    await noop(decided);
  }
  return decided;
}
